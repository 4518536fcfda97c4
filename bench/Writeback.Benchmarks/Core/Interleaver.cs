namespace Writeback.Benchmarks.Core;

/// <summary>One implementation in a side-by-side run: untimed preparation plus one timed sample.</summary>
/// <param name="Name">The implementation's name in the table.</param>
/// <param name="MeasureOnce">Prepares the same state as every other arm, then returns one timed sample.</param>
internal sealed record Arm(string Name, Func<int, double> MeasureOnce);

/// <summary>
/// Runs arms interleaved, A B C, B C A, C A B, …: every round measures each arm once and the order
/// rotates, so machine noise (other engineers' builds on the same 2 cores, the disk's queue) falls
/// on all arms alike and no arm always runs first or last.
/// </summary>
internal static class Interleaver
{
    /// <summary>Runs <paramref name="warmupRounds"/> discarded rounds, then <paramref name="rounds"/> measured ones.</summary>
    /// <returns>The samples per arm name, in arm order.</returns>
    public static Dictionary<string, List<double>> Run(IReadOnlyList<Arm> arms, int warmupRounds, int rounds)
    {
        var samples = arms.ToDictionary(a => a.Name, _ => new List<double>(rounds));
        for (var roundIndex = 0; roundIndex < warmupRounds + rounds; roundIndex++)
        {
            for (var position = 0; position < arms.Count; position++)
            {
                var arm = arms[(roundIndex + position) % arms.Count];
                var sample = arm.MeasureOnce(roundIndex);
                if (roundIndex >= warmupRounds)
                {
                    samples[arm.Name].Add(sample);
                }
            }
        }
        return samples;
    }
}
