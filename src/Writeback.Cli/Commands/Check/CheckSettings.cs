using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Writeback.Cli.Commands.Check;

/// <summary>Options of <c>writeback check</c>.</summary>
internal sealed class CheckSettings : ExplorationSettings
{
    /// <summary>A user's assembly whose ICrashScenario types to run.</summary>
    [CommandOption("-a|--assembly <PATH.dll>")]
    [Description("Run the ICrashScenario types of this assembly (public, non-abstract, with a parameterless constructor) instead of the bundled examples. It is loaded in its own AssemblyLoadContext; its Writeback and Writeback.Simulation references resolve to writeback's own copies.")]
    public string? AssemblyPath { get; init; }

    /// <summary>Only these scenarios.</summary>
    [CommandOption("--scenario <NAME>")]
    [Description("Run only the scenario with this Name (case-insensitive); repeatable. Default: all.")]
    public string[] Scenarios { get; init; } = [];

    /// <summary>This run's shard, as i/n.</summary>
    [CommandOption("--shard <I/N>")]
    [Description("Run only shard I of N (0-based), e.g. 0/4, to split a long run across CI jobs; the shards together give the full run's results.")]
    public string? Shard { get; init; }

    /// <summary>Durability calls to fail.</summary>
    [CommandOption("--fail-durability-call <N>")]
    [Description("Make durability call N fail (0-based, in the order the workload makes them: Flush, Flush(), FlushFile, FlushAsync, FlushDirectory); repeatable or comma-separated. The program sees a WritebackException and the file poisons itself as MappedFile does; the model marks the failed call's dirty pages clean unwritten, as Linux does.")]
    public string[] FailDurabilityCalls { get; init; } = [];

    /// <summary>Each durability call in turn.</summary>
    [CommandOption("--fail-each-durability-call")]
    [Description("Explore the fault-free run and, in turn, one run per durability call with that call failing. Bundled examples documented under faults use this by default.")]
    public bool FailEachDurabilityCall { get; init; }

    /// <summary>The errno of injected failures.</summary>
    [CommandOption("--fault-errno <ERRNO>")]
    [Description("The error the failures of --fail-durability-call or --fail-each-durability-call report: EIO (default) or ENOSPC.")]
    public string? FaultErrno { get; init; }

    /// <summary>Parses the storage-fault options.</summary>
    /// <returns>The faults, or null when none was asked for.</returns>
    public StorageFaults? ParseStorageFaults()
    {
        InjectedErrno errno = InjectedErrno.EIO;
        if (FaultErrno is not null && (!Enum.TryParse(FaultErrno, ignoreCase: true, out errno) || !Enum.IsDefined(errno) || int.TryParse(FaultErrno, out _)))
        {
            throw new UsageException($"check: --fault-errno must be EIO or ENOSPC, not '{FaultErrno}'.");
        }

        var calls = new List<int>();
        foreach (string part in FailDurabilityCalls.SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int call))
            {
                throw new UsageException($"check: --fail-durability-call takes call numbers from 0, not '{part}'.");
            }

            calls.Add(call);
        }

        if (calls.Count > 0 && FailEachDurabilityCall)
        {
            throw new UsageException("check: give --fail-durability-call or --fail-each-durability-call, not both.");
        }

        return calls.Count > 0 || FailEachDurabilityCall
            ? new StorageFaults { FailingCalls = calls, EachInTurn = FailEachDurabilityCall, Errno = errno }
            : null;
    }

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

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (base.Validate() is { Successful: false } invalid)
        {
            return invalid;
        }

        if (Compact && Json is not { IsSet: true })
        {
            return ValidationResult.Error("--compact shapes the JSON report: give it with --json.");
        }

        return ValidationResult.Success();
    }
}
