namespace Writeback.Benchmarks.Core;

/// <summary>One of the targets and whether this run met it.</summary>
/// <param name="Scenario">S1..S4.</param>
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
