namespace Writeback.Simulation.Kernel;

/// <summary>The one binary search over timelines sorted by the crash point their entries take effect from.</summary>
internal static class Timeline
{
    /// <summary>How many entries of <paramref name="timeline"/> take effect at or before <paramref name="crashPointIndex"/>.</summary>
    public static int CountAtOrBefore<T>(IReadOnlyList<T> timeline, int crashPointIndex, Func<T, int> effectiveFrom)
    {
        int low = 0, high = timeline.Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (effectiveFrom(timeline[middle]) <= crashPointIndex)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}
