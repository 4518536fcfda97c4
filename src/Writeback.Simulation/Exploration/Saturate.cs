namespace Writeback.Simulation.Exploration;

/// <summary>Counting that saturates at <see cref="long.MaxValue"/> instead of overflowing.</summary>
internal static class Saturate
{
    public static long Multiply(long left, long right) =>
        left == 0 || right == 0 ? 0 : left > long.MaxValue / right ? long.MaxValue : left * right;

    public static long Add(long left, long right) => left > long.MaxValue - right ? long.MaxValue : left + right;
}
