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
/// Verdicts are cached by everything the checker can see: the image, <paramref name="Kind"/> and
/// <paramref name="Acknowledged"/>, and the crash point only for a checker that reads
/// <see cref="CrashPointIndex"/>, whose verdicts are then never reused at another crash point.
/// </remarks>
public sealed record CrashContext(CrashKind Kind, int CrashPointIndex, IReadOnlyList<long> Acknowledged)
{
    /// <summary>The crash point (see the record's parameter). Reading it makes the verdict specific to this crash point.</summary>
    public int CrashPointIndex
    {
        get
        {
            CrashPointIndexRead = true;
            return field;
        }
        init;
    } = CrashPointIndex;

    /// <summary>Whether the checker read <see cref="CrashPointIndex"/> since the explorer last reset this.</summary>
    internal bool CrashPointIndexRead { get; set; }
}
