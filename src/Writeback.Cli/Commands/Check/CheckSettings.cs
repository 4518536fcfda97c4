using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Check;

/// <summary>Options of <c>writeback check</c>.</summary>
internal sealed class CheckSettings : JsonSettings
{
    /// <summary>A user's assembly whose ICrashScenario types to run.</summary>
    [CommandOption("-a|--assembly <PATH.dll>")]
    [Description("Run the ICrashScenario types of this assembly (public, non-abstract, with a parameterless constructor) instead of the bundled examples. It is loaded in its own AssemblyLoadContext; its Writeback and Writeback.Simulation references resolve to writeback's own copies.")]
    public string? AssemblyPath { get; init; }

    /// <summary>Only these scenarios.</summary>
    [CommandOption("--scenario <NAME>")]
    [Description("Run only the scenario with this Name (case-insensitive); repeatable. Default: all.")]
    public string[] Scenarios { get; init; } = [];

    /// <summary>Kernel models to run under.</summary>
    [CommandOption("-m|--model <MODEL>")]
    [Description("Kernel model to run under; repeatable. With two, the first is the baseline and failures only the second has are marked. Default: Linux2_6_19To3_15WholeFile and Linux3_16Range. 'list' prints the models.")]
    public string[] Models { get; init; } = [];

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

    /// <summary>This run's shard, as i/n.</summary>
    [CommandOption("--shard <I/N>")]
    [Description("Run only shard I of N (0-based), e.g. 0/4, to split a long run across CI jobs; the shards together give the full run's results.")]
    public string? Shard { get; init; }

    /// <summary>The exhaustive limit per crash point.</summary>
    [CommandOption("--max-states <N>")]
    [Description("Crash points with more post-crash states than this are explored bounded + sampled instead of exhaustively. Default: the explorer's (4096).")]
    public int? MaxStatesPerCrashPoint { get; init; }

    /// <summary>JSON without the full reports.</summary>
    [CommandOption("--compact")]
    [Description("With --json: leave out the simulator's full reports (every failure with its page maps); keep the verdicts, the failed scenarios' names and each failing model's first failure with its reproduce line.")]
    public bool Compact { get; init; }

    /// <summary>Parses <see cref="Shard"/>.</summary>
    /// <returns>Index and count; (0, 1) when not given.</returns>
    public (int Index, int Count) ParseShard()
    {
        if (Shard is null)
        {
            return (0, 1);
        }

        string[] parts = Shard.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
        {
            return (index, count);
        }

        throw new UsageException($"check: --shard must be I/N with 0 <= I < N, e.g. 0/4, not '{Shard}'.");
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

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (AtomicWriteErrorOrNull(AtomicWriteBytes) is { } atomicWriteError)
        {
            return ValidationResult.Error(atomicWriteError);
        }

        if (Compact && Json is not { IsSet: true })
        {
            return ValidationResult.Error("--compact shapes the JSON report: give it with --json.");
        }

        if (MaxStatesPerCrashPoint is < 1)
        {
            return ValidationResult.Error($"--max-states must be 1 or more, not {MaxStatesPerCrashPoint}.");
        }

        return ValidationResult.Success();
    }
}
