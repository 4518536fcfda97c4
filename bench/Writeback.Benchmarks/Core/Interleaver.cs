namespace Writeback.Benchmarks.Core;

/// <summary>
/// Runs arms interleaved: every round measures each arm once, back to back, so machine noise (the
/// other engineers' builds on the same 2 cores, the disk's queue) falls on all arms alike.
/// </summary>
/// <remarks>
/// The rounds cycle through every order of the arms (A B C, A C B, B A C, …), so each arm runs
/// first, last and right after each other arm equally often. A plain rotation does not: with three
/// arms in S1 the candidate ran right after the whole-view flush (32 MiB just written, the device
/// still busy) in two rounds of three and the raw call in one, which alone made the candidate look
/// 1.3-1.5x slower under load.
/// </remarks>
internal static class Interleaver
{
    /// <summary>Runs <paramref name="warmupRounds"/> discarded rounds, then <paramref name="rounds"/> measured ones.</summary>
    /// <returns>The samples per arm name, each list in round order.</returns>
    public static Dictionary<string, List<double>> Run(IReadOnlyList<Arm> arms, int warmupRounds, int rounds)
    {
        var orders = Permutations(Enumerable.Range(0, arms.Count).ToArray()).ToList();
        var samples = arms.ToDictionary(a => a.Name, _ => new List<double>(rounds));
        for (var roundIndex = 0; roundIndex < warmupRounds + rounds; roundIndex++)
        {
            foreach (var armIndex in orders[roundIndex % orders.Count])
            {
                var arm = arms[armIndex];
                var sample = arm.MeasureOnce(roundIndex);
                if (roundIndex >= warmupRounds)
                {
                    samples[arm.Name].Add(sample);
                }
            }
        }
        return samples;
    }

    /// <summary>All orders of <paramref name="items"/>, in lexicographic order of positions.</summary>
    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }
        for (var first = 0; first < items.Length; first++)
        {
            var rest = items.Where((_, index) => index != first).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[first], .. tail];
            }
        }
    }
}
