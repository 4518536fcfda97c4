namespace Writeback.Simulation;

/// <summary>What a checker knows about the crash it is looking at.</summary>
/// <param name="Kind">The kind of crash.</param>
/// <param name="CrashPointIndex">
/// The crash point: crash point <c>i</c> is the moment just before recorded call <c>i</c> executes
/// (every store made so far, spans included, is in memory); crash point <c>N</c> (the number of
/// recorded calls) is after the last call.
/// </param>
/// <param name="Acknowledged">The values the workload acknowledged before the crash point, in order.</param>
public sealed record CrashContext(CrashKind Kind, int CrashPointIndex, IReadOnlyList<long> Acknowledged);
