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

    public double Median => Percentile(50);

    public double P90 => Percentile(90);

    /// <summary>Nearest-rank percentile; the median of an even count is the mean of the middle two.</summary>
    private double Percentile(int percent)
    {
        if (Samples.Count == 0)
        {
            return double.NaN;
        }
        var sorted = Samples.Order().ToArray();
        if (percent == 50)
        {
            var middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}

/// <summary>One of the targets and whether this run met it.</summary>
/// <param name="Scenario">S1..S4 or ALLOC.</param>
/// <param name="Target">The target as the issue states it.</param>
/// <param name="Measured">The measured figure (a ratio or an absolute value, see <paramref name="Unit"/>).</param>
/// <param name="Threshold">The target's bound.</param>
/// <param name="Unit"><c>x</c> for a ratio, otherwise the figure's unit.</param>
/// <param name="AtMost">True when the figure must be at most the threshold, false when at least.</param>
internal sealed record TargetCheck(string Scenario, string Target, double Measured, double Threshold, string Unit, bool AtMost)
{
    public bool Passed => AtMost ? Measured <= Threshold : Measured >= Threshold;

    public string Verdict => Passed ? "PASS" : "MISS";
}

/// <summary>What one scenario produced.</summary>
internal sealed record ScenarioResult(IReadOnlyList<Measurement> Measurements, IReadOnlyList<TargetCheck> Targets,
                                      IReadOnlyList<string> Notes);
