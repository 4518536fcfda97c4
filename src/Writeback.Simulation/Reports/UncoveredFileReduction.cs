namespace Writeback.Simulation;

/// <summary>
/// What the reduction of one never-covered file did (<see cref="ExplorerOptions.ReduceUncoveredFiles"/>): at
/// crash points where no durability call had covered any of its pages or its length, its contents were collapsed
/// to <paramref name="Representatives"/> representatives (all lost, all kept, one seeded sample), each checked
/// with every state of the other choices, and the verdicts agreed across them.
/// </summary>
/// <param name="File">The file's name (at the crash point, else the first it had).</param>
/// <param name="CrashPoints">Crash points (per kind) where it was collapsed and the verdicts agreed.</param>
/// <param name="Representatives">Its representatives per state of the other choices.</param>
/// <param name="FullStates">The states of those crash points' full spaces, summed (saturated at <see cref="long.MaxValue"/>).</param>
/// <param name="ReducedStates">The states generated there instead (each state of the other choices once per representative).</param>
/// <param name="FallbackCrashPoints">
/// Crash points where the verdicts differed across its representatives: its contents matter to the checker there,
/// so they were explored in full, as without the reduction.
/// </param>
public sealed record UncoveredFileReduction(string File, int CrashPoints, int Representatives, long FullStates, long ReducedStates,
                                            int FallbackCrashPoints);
