using Writeback.Cli.Commands.Check;
using Writeback.Tracing;

namespace Writeback.Cli.Commands.Trace;

/// <summary>Everything one <c>writeback trace</c> run produced, for its report.</summary>
/// <param name="Settings">The options.</param>
/// <param name="Recording">The recording (recorded or loaded).</param>
/// <param name="Scenario">The replayed recording with the checker.</param>
/// <param name="Record">The simulator's record of the replay.</param>
/// <param name="Models">The models, baseline first.</param>
/// <param name="Kinds">The crash kinds.</param>
/// <param name="Outcome">The reports, one per model, as <c>check</c> renders them.</param>
/// <param name="Elapsed">Replay, exploration and checking time (not the recording).</param>
internal sealed record TraceRun(TraceSettings Settings, Recording Recording, TraceScenario Scenario, SimulationRecord Record,
                                KernelModel[] Models, CrashKind[] Kinds, CheckOutcome Outcome, TimeSpan Elapsed);
