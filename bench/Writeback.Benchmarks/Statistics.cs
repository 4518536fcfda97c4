namespace Writeback.Benchmarks;

/// <summary>The summary statistics every harness reports, computed one way.</summary>
internal static class Statistics
{
    /// <summary>The median; of an even count, the mean of the middle two. NaN when there are no values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
