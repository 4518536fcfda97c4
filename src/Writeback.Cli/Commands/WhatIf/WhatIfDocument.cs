using System.Text.Json.Serialization;

namespace Writeback.Cli.Commands.WhatIf;

/// <summary>
/// The JSON document of <c>writeback whatif --json</c>: everything the human output shows, for CI and for
/// the HTML report (one entry per program; a program broken by the candidate carries, per crash kind, where,
/// the shrunk state, the checker's message and the guarantee it relied on).
/// </summary>
/// <param name="ToolVersion">The writeback version.</param>
/// <param name="Baseline">The baseline model's name.</param>
/// <param name="BaselineSource">Where it came from (built-in NAME, or a file).</param>
/// <param name="Candidate">The candidate model's name.</param>
/// <param name="CandidateSource">Where it came from.</param>
/// <param name="Differences">The calls whose effect differs between the two models, and name rules that differ, in words.</param>
/// <param name="CrashKinds">The crash kinds.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Shard">The shard, as i/n.</param>
/// <param name="Corpus">The corpus folder.</param>
/// <param name="Programs">One per program of this shard, in name order.</param>
/// <param name="BrokenPrograms">The programs the candidate breaks (baseline passes a crash kind, candidate fails it).</param>
/// <param name="ExitCode">0: the candidate breaks nothing the baseline kept; 1: it does.</param>
/// <param name="ElapsedSeconds">The whole run's time.</param>
internal sealed record WhatIfDocument(string ToolVersion, string Baseline, string BaselineSource, string Candidate, string CandidateSource,
                                      IReadOnlyList<string> Differences, IReadOnlyList<CrashKind> CrashKinds, ulong Seed, string Shard,
                                      string Corpus, IReadOnlyList<WhatIfProgram> Programs, IReadOnlyList<string> BrokenPrograms,
                                      int ExitCode, double ElapsedSeconds);

/// <summary>One program's comparison.</summary>
/// <param name="Name">The corpus entry's name.</param>
/// <param name="Engine">Its engine or runtime.</param>
/// <param name="Status"><c>compared</c>, <c>skipped</c> (no trace, or the checker's commands missing) or <c>error</c> (the checker could not run).</param>
/// <param name="Reason">Why it was skipped or failed; null when compared.</param>
/// <param name="Verdicts">Per crash kind, baseline against candidate.</param>
/// <param name="Broken">Per crash kind the candidate breaks: its first failure and the guarantee relied on.</param>
/// <param name="CrashPoints">The recording's crash points.</param>
/// <param name="CheckerRuns">How many times the checker ran.</param>
/// <param name="ElapsedSeconds">The program's replay time, both models.</param>
internal sealed record WhatIfProgram(string Name, string? Engine, string Status, string? Reason, IReadOnlyList<WhatIfVerdict> Verdicts,
                                     IReadOnlyList<WhatIfBreak> Broken, int CrashPoints, long CheckerRuns, double ElapsedSeconds)
{
    /// <summary>Whether the candidate breaks a crash kind the baseline survives.</summary>
    public bool IsBroken => Broken.Count > 0;

    /// <summary>
    /// One line per file whose never-covered contents the explorer collapsed to representatives, over both models
    /// (as <c>check</c> and <c>trace</c> print them); empty when nothing was collapsed or with <c>--no-reduce-uncovered</c>.
    /// </summary>
    public IReadOnlyList<string> Reductions { get; init; } = [];

    /// <summary>The simulator's reports, baseline then candidate, for the HTML report (its failures' diagnoses and page maps); empty unless compared.</summary>
    [JsonIgnore]
    public IReadOnlyList<CrashReport> Reports { get; init; } = [];
}

/// <summary>One crash kind of one program.</summary>
/// <param name="CrashKind">The crash kind.</param>
/// <param name="BaselinePassed">Whether every crash state the baseline allows passed the checker.</param>
/// <param name="CandidatePassed">Whether every crash state the candidate allows passed.</param>
/// <param name="BaselineFailures">Failing crash points under the baseline.</param>
/// <param name="CandidateFailures">Failing crash points under the candidate.</param>
internal sealed record WhatIfVerdict(CrashKind CrashKind, bool BaselinePassed, bool CandidatePassed, int BaselineFailures, int CandidateFailures);

/// <summary>Where and why the candidate breaks a program the baseline kept.</summary>
/// <param name="CrashKind">The crash kind.</param>
/// <param name="CrashPointIndex">The first crash point that fails under the candidate only.</param>
/// <param name="CrashPoint">That crash point in the program's own calls (<c>before CALL</c>).</param>
/// <param name="Message">The checker's message.</param>
/// <param name="ShrunkState">The shrunk failing state: its base (all-lost: every page, length and name the model does not guarantee lost; or all-kept), then its deviations from it, in words.</param>
/// <param name="ShrunkPages">The shrunk state's page map per file: one letter per page, D durable (guaranteed), K kept, L lost, T torn.</param>
/// <param name="ShrunkMessage">The checker's message for the shrunk state.</param>
/// <param name="ReliedOn">The recorded call whose effect differs between the models, the program's guarantee: its words, or null when only name rules differ.</param>
/// <param name="ReliedOnCallIndex">That call's index in the recording.</param>
/// <param name="ReliedOnModelCall">Its model call (e.g. <c>msyncRangeSync</c>).</param>
/// <param name="BaselineEffect">What the baseline makes that call guarantee.</param>
/// <param name="CandidateEffect">What the candidate makes it guarantee.</param>
internal sealed record WhatIfBreak(CrashKind CrashKind, int CrashPointIndex, string CrashPoint, string Message, IReadOnlyList<string> ShrunkState,
                                   IReadOnlyList<string> ShrunkPages, string? ShrunkMessage, string? ReliedOn, int? ReliedOnCallIndex, string? ReliedOnModelCall,
                                   string? BaselineEffect, string? CandidateEffect);
