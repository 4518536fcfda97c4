using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Check;

/// <summary>The exploration options <c>check</c> and <c>trace</c> share: models, crash kinds, atomic write unit, seed, state limit.</summary>
internal abstract class ExplorationSettings : JsonSettings
{
    /// <summary>Kernel models to run under.</summary>
    [CommandOption("-m|--model <MODEL>")]
    [Description("Kernel model to run under: a built-in model's name or a model file; repeatable. With two, the first is the baseline and failures only the second has are marked. Default: Linux2_6_19To3_15WholeFile and Linux3_16Range. 'list' prints the models.")]
    public string[] Models { get; init; } = [];

    /// <summary>Model files to run under, after the --model ones.</summary>
    [CommandOption("--model-file <FILE>")]
    [Description("A model file (JSON; 'writeback models show NAME' prints a built-in one to start from) to run under, after the --model ones; repeatable. A bad file is one line naming the file, the JSON path and what is allowed, and nothing runs.")]
    public string[] ModelFiles { get; init; } = [];

    /// <summary>Crash kinds.</summary>
    [CommandOption("-k|--crash-kind <KIND>")]
    [Description("ProcessCrash, KernelCrash or PowerLoss (also process-crash, kernel-crash, power-loss); repeatable. Default: all three.")]
    public string[] CrashKinds { get; init; } = [];

    /// <summary>The atomic write unit.</summary>
    [CommandOption("--atomic-write-bytes <N>")]
    [Description("The device's atomic write unit in bytes: 4096 (a page is written whole or not at all) or 512 (sectors of a page may tear); any power of two from 64 to 4096, or a multiple of 4096.")]
    [DefaultValue(4096)]
    public int AtomicWriteBytes { get; init; } = 4096;

    /// <summary>The exploration seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of the explorer's random sampling (used where a crash point has more states than --max-states). Every report prints it.")]
    [DefaultValue(0UL)]
    public ulong Seed { get; init; }

    /// <summary>The exhaustive limit per crash point.</summary>
    [CommandOption("--max-states <N>")]
    [Description("Crash points with more post-crash states than this are explored bounded + sampled instead of exhaustively. Default: the explorer's (4096).")]
    public int? MaxStatesPerCrashPoint { get; init; }

    /// <summary>Whether to explore never-covered files' contents in full.</summary>
    [CommandOption("--no-reduce-uncovered")]
    [Description("Explore in full the contents of files no durability call has covered yet. By default each crash point collapses each such file to three representatives (all its changes lost, all kept, one seeded sample), checks every state of the other choices with each, and explores it in full wherever the checker's verdicts differ across them; the report names the files collapsed.")]
    public bool NoReduceUncovered { get; init; }

    /// <summary>Where to write the HTML report.</summary>
    [CommandOption("--html <FILE>")]
    [Description("Also write a self-contained HTML report to FILE: the verdict matrix, and per failure its diagnosis, timeline, page maps and checker output (with two models, the differential).")]
    public string? Html { get; init; }

    /// <summary>The explorer's options from these settings (shard and progress are the command's).</summary>
    /// <param name="kinds">The parsed crash kinds.</param>
    /// <returns>The options.</returns>
    public ExplorerOptions ToExplorerOptions(CrashKind[] kinds)
    {
        var options = new ExplorerOptions
        {
            CrashKinds = kinds, AtomicWriteBytes = AtomicWriteBytes, Seed = Seed, ReduceUncoveredFiles = !NoReduceUncovered,
        };
        return MaxStatesPerCrashPoint is { } maxStates ? options with { MaxStatesPerCrashPoint = maxStates } : options;
    }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (AtomicWriteErrorOrNull(AtomicWriteBytes) is { } atomicWriteError)
        {
            return ValidationResult.Error(atomicWriteError);
        }

        if (MaxStatesPerCrashPoint is < 1)
        {
            return ValidationResult.Error($"--max-states must be 1 or more, not {MaxStatesPerCrashPoint}.");
        }

        return ValidationResult.Success();
    }

    /// <summary>
    /// Why <paramref name="atomicWriteBytes"/> is not a unit the explorer models, with the values
    /// it accepts: a divisor of the simulated page size into at most 64 units, or a multiple of it.
    /// </summary>
    /// <param name="atomicWriteBytes">The value given.</param>
    /// <returns>The message, or <see langword="null"/> when the value is accepted.</returns>
    internal static string? AtomicWriteErrorOrNull(int atomicWriteBytes)
    {
        int pageBytes = new SimulatedStorage().PageSizeBytes;
        const int maxUnitsPerPage = 64;   // ExplorerOptions: at most 64 atomic units per page are modelled
        bool divides = atomicWriteBytes > 0 && pageBytes % atomicWriteBytes == 0 && pageBytes / atomicWriteBytes <= maxUnitsPerPage;
        bool multiple = atomicWriteBytes > 0 && atomicWriteBytes % pageBytes == 0;
        if (divides || multiple)
        {
            return null;
        }

        IEnumerable<int> divisors = Enumerable.Range(0, 31).Select(i => 1 << i)
            .Where(d => d <= pageBytes && pageBytes % d == 0 && pageBytes / d <= maxUnitsPerPage);
        return $"--atomic-write-bytes must be one of {string.Join(", ", divisors)} (a page of {pageBytes} bytes in at most "
               + $"{maxUnitsPerPage} units; 512 models torn sectors) or a multiple of {pageBytes}, not {atomicWriteBytes}.";
    }
}
