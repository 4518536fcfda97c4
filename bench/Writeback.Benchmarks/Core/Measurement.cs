namespace Writeback.Benchmarks.Core;

/// <summary>The samples of one implementation in one scenario, with their median and p90.</summary>
/// <param name="Scenario">S1..S4.</param>
/// <param name="Implementation">What was measured, e.g. <c>MappedFile.Flush(range)</c>.</param>
/// <param name="Metric">What a sample is, e.g. <c>commit latency</c>.</param>
/// <param name="Unit"><c>us</c>, <c>ms</c> or <c>ops/s</c>.</param>
/// <param name="Samples">One value per measured round, in measurement order.</param>
internal sealed record Measurement(string Scenario, string Implementation, string Metric, string Unit,
                                   IReadOnlyList<double> Samples)
{
    public int Count => Samples.Count;

    public double Median => Percentile(Samples, 50);

    public double P90 => Percentile(Samples, 90);

    /// <summary>
    /// The median, over rounds, of this arm's sample divided by <paramref name="other"/>'s sample
    /// of the same round. The arms of a round ran within moments of each other, so a burst of load
    /// that slows both cancels out of the ratio; a ratio of the two medians would keep it.
    /// </summary>
    public double MedianRatioTo(Measurement other)
    {
        if (other.Count != Count)
        {
            throw new InvalidOperationException($"'{Implementation}' has {Count} rounds, '{other.Implementation}' {other.Count}: not paired");
        }
        return Percentile(Samples.Zip(other.Samples, (mine, theirs) => mine / theirs).ToArray(), 50);
    }

    /// <summary>Nearest-rank percentile; the median of an even count is the mean of the middle two.</summary>
    private static double Percentile(IReadOnlyList<double> samples, int percent)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }
        if (percent == 50)
        {
            return Statistics.Median(samples);
        }
        double[] sorted = samples.Order().ToArray();
        int rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
