using System.Text.Json;
using Writeback.Simulation.Reports;

namespace Writeback.Simulation;

/// <summary>
/// The same scenario explored under two kernel models, and which failures (crash kind and crash
/// point) occur only under one of them: the answer to "does my program depend on the old behaviour?".
/// </summary>
public sealed record DifferentialReport
{
    /// <summary>The report under the baseline model (e.g. the kernel the program was written for).</summary>
    public required CrashReport Baseline { get; init; }

    /// <summary>The report under the candidate model (e.g. the kernel it will run on).</summary>
    public required CrashReport Candidate { get; init; }

    /// <summary>Failures of the candidate at crash points (and kinds) where the baseline passes.</summary>
    public required IReadOnlyList<CrashFailure> CandidateOnlyFailures { get; init; }

    /// <summary>Failures of the baseline at crash points (and kinds) where the candidate passes.</summary>
    public required IReadOnlyList<CrashFailure> BaselineOnlyFailures { get; init; }

    /// <summary>Failures under both models at the same crash point and kind (the candidate's entries).</summary>
    public required IReadOnlyList<CrashFailure> BothFailures { get; init; }

    /// <summary>Whether the candidate breaks nothing the baseline did not already break.</summary>
    public bool CandidateIsNoWorse => CandidateOnlyFailures.Count == 0;

    /// <summary>The report as indented JSON, without elapsed times (byte-identical for the same seed).</summary>
    /// <returns>UTF-16 JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Readable.DifferentialReport);
}
