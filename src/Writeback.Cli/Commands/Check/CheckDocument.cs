using System.Text.Json.Nodes;

namespace Writeback.Cli.Commands.Check;

/// <summary>The JSON document of <c>writeback check --json</c>.</summary>
/// <param name="ToolVersion">The writeback version.</param>
/// <param name="Mode"><c>bundled</c> or <c>assembly</c>.</param>
/// <param name="Assembly">The user's assembly, in assembly mode.</param>
/// <param name="Models">The models, baseline first.</param>
/// <param name="CrashKinds">The crash kinds.</param>
/// <param name="AtomicWriteBytes">The atomic write unit.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Shard">The shard, as i/n.</param>
/// <param name="Scenarios">Per scenario.</param>
/// <param name="FailedScenarios">The names of the scenarios with at least one failure.</param>
/// <param name="UnexpectedVerdicts">Bundled mode: verdicts that differ from the documentation.</param>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="Compact">Whether the simulator's full reports were left out (<c>--compact</c>).</param>
internal sealed record CheckDocument(string ToolVersion, string Mode, string? Assembly, IReadOnlyList<string> Models,
                                     IReadOnlyList<CrashKind> CrashKinds, int AtomicWriteBytes, ulong Seed, string Shard,
                                     IReadOnlyList<CheckScenarioDocument> Scenarios, IReadOnlyList<string> FailedScenarios,
                                     int UnexpectedVerdicts, int ExitCode, bool Compact);

/// <summary>One scenario in <see cref="CheckDocument"/>.</summary>
/// <param name="Name">The scenario's name.</param>
/// <param name="Summary">What it demonstrates (bundled examples).</param>
/// <param name="Why">Why it passes or fails where it does (bundled examples).</param>
/// <param name="Passed">Whether no model and crash kind broke it.</param>
/// <param name="Verdicts">One per model and crash kind.</param>
/// <param name="CandidateOnlyFailures">With two models: failures only the second model has.</param>
/// <param name="FirstFailures">Per model with failures, its first failure: where, the checker's message, the reproduce line.</param>
/// <param name="Reports">The simulator's reports (CrashReport.ToJson), one per model; <see langword="null"/> with <c>--compact</c>.</param>
internal sealed record CheckScenarioDocument(string Name, string? Summary, string? Why, bool Passed, IReadOnlyList<CheckVerdict> Verdicts,
                                             int? CandidateOnlyFailures, IReadOnlyList<CheckFirstFailure> FirstFailures,
                                             IReadOnlyList<JsonNode?>? Reports);

/// <summary>The first failure of a scenario under one model, as the human output shows it, without its page map.</summary>
/// <param name="Model">The model.</param>
/// <param name="CrashKind">The crash kind.</param>
/// <param name="CrashPointIndex">The crash point.</param>
/// <param name="Call">The call the crash point precedes.</param>
/// <param name="Message">The checker's message.</param>
/// <param name="Reproduce">The command line that reproduces it.</param>
/// <param name="Diagnosis">Why it failed: the rule broken, what was lost, the acknowledgement it contradicts, a timeline.</param>
internal sealed record CheckFirstFailure(string Model, CrashKind CrashKind, int CrashPointIndex, string Call, string Message,
                                        string Reproduce, FailureExplanation? Diagnosis = null);

/// <summary>One cell of the verdict matrix.</summary>
/// <param name="Model">The model.</param>
/// <param name="CrashKind">The crash kind.</param>
/// <param name="Passed">Whether no crash state of that kind broke the scenario.</param>
/// <param name="Failures">Number of failing crash points of that kind.</param>
/// <param name="ExpectedToPass">The documented verdict (bundled examples).</param>
/// <param name="AsDocumented">Whether the verdict matches the documentation (bundled examples).</param>
internal sealed record CheckVerdict(string Model, CrashKind CrashKind, bool Passed, int Failures, bool? ExpectedToPass,
                                    bool? AsDocumented);
