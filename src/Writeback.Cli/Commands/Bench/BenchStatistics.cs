namespace Writeback.Cli.Commands.Bench;

/// <summary>Order statistics of one strategy's latencies, in milliseconds.</summary>
/// <param name="SampleCount">Number of timed commits.</param>
/// <param name="MedianMs">Median.</param>
/// <param name="P90Ms">90th percentile.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="MeanMs">Mean.</param>
/// <param name="MinMs">Fastest.</param>
/// <param name="MaxMs">Slowest.</param>
internal sealed record BenchStatistics(int SampleCount, double MedianMs, double P90Ms, double P99Ms, double MeanMs,
                                       double MinMs, double MaxMs)
{
    /// <summary>Computes the statistics (nearest-rank percentiles).</summary>
    /// <param name="latenciesMs">The samples; at least one.</param>
    /// <returns>The statistics.</returns>
    public static BenchStatistics Of(IReadOnlyCollection<double> latenciesMs)
    {
        if (latenciesMs.Count == 0)
        {
            throw new ArgumentException("at least one sample is needed", nameof(latenciesMs));
        }

        double[] sorted = [.. latenciesMs.Order()];
        return new BenchStatistics(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99),
                                   sorted.Average(), sorted[0], sorted[^1]);
    }

    /// <summary>The nearest-rank percentile of sorted samples: the smallest value with at least p% of samples at or below it.</summary>
    /// <param name="sorted">Samples in ascending order.</param>
    /// <param name="percent">The percentile, 0 to 100.</param>
    /// <returns>The value.</returns>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        int rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
