namespace Writeback.Simulation;

/// <summary>Progress of an exploration, for progress bars.</summary>
/// <param name="StatesChecked">Distinct post-crash states checked so far.</param>
/// <param name="CrashPointsDone">Crash points (of this shard, all crash kinds) finished so far.</param>
/// <param name="CrashPointsTotal">Crash points this shard explores.</param>
public sealed record ExplorationProgress(long StatesChecked, int CrashPointsDone, int CrashPointsTotal);
