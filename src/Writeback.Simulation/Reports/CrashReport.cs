using System.Text.Json.Serialization;
using System.Text.Json;
using Writeback.Simulation.Reports;
using System.Text.Json.Nodes;

namespace Writeback.Simulation;

/// <summary>The result of exploring one scenario under one kernel model.</summary>
public sealed record CrashReport
{
    /// <summary>The scenario's name.</summary>
    public required string Scenario { get; init; }

    /// <summary>The kernel model (serialised by name).</summary>
    public required KernelModel Model { get; init; }

    /// <summary>The crash kinds explored.</summary>
    public required IReadOnlyList<CrashKind> CrashKinds { get; init; }

    /// <summary>The atomic write unit in bytes.</summary>
    public required int AtomicWriteBytes { get; init; }

    /// <summary>The storage faults injected (which calls failed, with which errno), or <see langword="null"/> for a run without faults.</summary>
    public string? StorageFaults { get; init; }

    /// <summary>With <see cref="Simulation.StorageFaults.EachInTurn"/>: how many runs were explored (the fault-free one and one per durability call); otherwise 1.</summary>
    public int Runs { get; init; } = 1;

    /// <summary>The seed of the random samples.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The shard this report covers (0-based).</summary>
    public int ShardIndex { get; init; }

    /// <summary>The number of shards the run was split into.</summary>
    public int ShardCount { get; init; } = 1;

    /// <summary>The number of recorded calls; crash points are 0 to this number.</summary>
    public required int CallCount { get; init; }

    /// <summary>The number of crash points of the whole run (call count + 1), whichever shard this is.</summary>
    public required int CrashPoints { get; init; }

    /// <summary>Distinct post-crash states the checker ran on (identical images with identical acknowledgements count once).</summary>
    public required long StatesChecked { get; init; }

    /// <summary>Post-crash states generated, duplicates included.</summary>
    public required long StatesGenerated { get; init; }

    /// <summary>Crash points (per kind) explored exhaustively, and bounded plus sampled.</summary>
    public required int ExhaustiveCrashPoints { get; init; }

    /// <summary>Crash points (per kind) whose state count exceeded <see cref="ExplorerOptions.MaxStatesPerCrashPoint"/>.</summary>
    public required int BoundedCrashPoints { get; init; }

    /// <summary>
    /// The files whose unguaranteed pages and lengths make up the state spaces of the bounded crash
    /// points, largest share first (empty when every crash point was exhaustive). A file with most
    /// of the share is what made exploration bounded: when the program rebuilds it after a crash,
    /// leaving it out of the images (<c>--ignore</c>) makes those crash points exhaustive.
    /// </summary>
    public IReadOnlyList<FileStateShare> BoundedStateShares { get; init; } = [];

    /// <summary>
    /// The files whose contents bounded crash points collapsed because no durability call had covered them
    /// (<see cref="ExplorerOptions.ReduceUncoveredFiles"/>), by name: at how many crash points the verdicts agreed
    /// across the representatives, how many states that saved, and at how many the verdicts differed (the
    /// file's contents matter there, and those crash points were explored in full). Empty when nothing collapsed.
    /// </summary>
    public IReadOnlyList<UncoveredFileReduction> UncoveredFileReductions { get; init; } = [];

    /// <summary>One entry per failing crash point and kind, ordered by kind then crash point: the first failing state found there.</summary>
    public required IReadOnlyList<CrashFailure> Failures { get; init; }

    /// <summary>Wall-clock time of the exploration. Not part of <see cref="ToJson()"/>, so that same-seed reports compare byte for byte.</summary>
    [JsonIgnore]
    public TimeSpan Elapsed { get; init; }

    /// <summary>Whether no failure was found.</summary>
    public bool Passed => Failures.Count == 0;

    /// <summary>
    /// The report as indented JSON, without <see cref="Elapsed"/>: runs with the same scenario,
    /// model, options and seed produce byte-identical text.
    /// </summary>
    /// <returns>UTF-16 JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Readable.CrashReport);

    /// <summary>The report as JSON, with <c>elapsedMs</c> added when <paramref name="includeElapsed"/> is set (then not reproducible byte for byte).</summary>
    /// <param name="includeElapsed">Whether to add the wall-clock time.</param>
    /// <returns>UTF-16 JSON text.</returns>
    public string ToJson(bool includeElapsed)
    {
        if (!includeElapsed)
        {
            return ToJson();
        }
        JsonNode node = JsonSerializer.SerializeToNode(this, ReportJsonContext.Readable.CrashReport)!;
        node["elapsedMs"] = Math.Round(Elapsed.TotalMilliseconds, 3);
        return node.ToJsonString(ReportJsonContext.Readable.Options);
    }
}
