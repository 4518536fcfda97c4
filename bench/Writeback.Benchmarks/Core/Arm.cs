namespace Writeback.Benchmarks.Core;

/// <summary>One implementation in a side-by-side run: untimed preparation plus one timed sample.</summary>
/// <param name="Name">The implementation's name in the table.</param>
/// <param name="MeasureOnce">Prepares the same state as every other arm, then returns one timed sample.</param>
internal sealed record Arm(string Name, Func<int, double> MeasureOnce);
