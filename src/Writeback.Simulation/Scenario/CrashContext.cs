namespace Writeback.Simulation;

/// <summary>What a checker knows about the crash it is looking at.</summary>
/// <param name="Kind">The kind of crash.</param>
/// <param name="CrashPointIndex">
/// The crash point: crash point <c>i</c> is the moment just before recorded call <c>i</c> executes
/// (every store made so far, spans included, is in memory); crash point <c>N</c> (the number of
/// recorded calls) is after the last call.
/// </param>
/// <param name="Acknowledged">The values the workload acknowledged before the crash point, in order.</param>
/// <remarks>
/// Verdicts are cached by everything the checker can see: the image, <paramref name="Kind"/>,
/// <see cref="Model"/> (one explorer explores one model) and <paramref name="Acknowledged"/>; the
/// crash point is part of the key only for a scenario that declares
/// <see cref="ICrashScenario.VerdictDependsOnCrashPoint"/>. A checker of another scenario may read
/// the crash point (to log it, say), but its verdict must not depend on it.
/// </remarks>
public sealed record CrashContext(CrashKind Kind, int CrashPointIndex, IReadOnlyList<long> Acknowledged)
{
    /// <summary>The kernel model the image was derived under. Default <see cref="KernelModel.Linux3_16Range"/>, the default model.</summary>
    public KernelModel Model { get; init; } = KernelModel.Linux3_16Range;

    /// <summary>
    /// The crash point in words: <c>#i before CALL</c>, or <c>#N after CALL</c> for the last one,
    /// where CALL is the recorded call's description (a replayed program's own call when the workload
    /// set <see cref="SimulatedStorage.CallDescription"/>). Default <c>#i</c>.
    /// </summary>
    public string CrashPointName
    {
        get => field ?? $"#{CrashPointIndex}";
        init;
    }
}
