namespace Writeback.Benchmarks.Core;

/// <summary>
/// Runs arms interleaved: every round measures each arm once, back to back, so machine noise (the
/// other engineers' builds on the same 2 cores, the disk's queue) falls on all arms alike.
/// </summary>
/// <remarks>
/// The rounds cycle through the rotations of the arms and then the rotations of the reversed
/// arms: for three arms A B C, B C A, C A B, A C B, C B A, B A C. In each cycle every arm runs in
/// every position twice, every arm directly follows every other arm equally often (inside rounds
/// and across round boundaries alike), and no arm ever runs twice in a row. Both properties were
/// measured to matter: with a plain rotation the candidate ran right after the whole-view flush
/// (32 MiB still leaving the device) in two rounds of three, which under load made it look 1.3-1.5x
/// slower than raw msync; and with the lexicographic list of permutations, an arm that ran twice in
/// a row (across a round boundary) ran 1.3-1.5x faster the second time.
/// </remarks>
internal static class Interleaver
{
    /// <summary>Runs <paramref name="warmupRounds"/> discarded rounds, then <paramref name="rounds"/> measured ones.</summary>
    /// <returns>The samples per arm name, each list in round order.</returns>
    public static Dictionary<string, List<double>> Run(IReadOnlyList<Arm> arms, int warmupRounds, int rounds)
    {
        List<int[]> orders = BalancedOrders(arms.Count);
        var samples = arms.ToDictionary(a => a.Name, _ => new List<double>(rounds));
        for (int roundIndex = 0; roundIndex < warmupRounds + rounds; roundIndex++)
        {
            foreach (int armIndex in orders[roundIndex % orders.Count])
            {
                Arm arm = arms[armIndex];
                double sample = arm.MeasureOnce(roundIndex);
                if (roundIndex >= warmupRounds)
                {
                    samples[arm.Name].Add(sample);
                }
            }
        }
        return samples;
    }

    /// <summary>The rotations of 0..n-1, then the rotations of n-1..0.</summary>
    private static List<int[]> BalancedOrders(int armCount)
    {
        int[] forward = Enumerable.Range(0, armCount).ToArray();
        int[] backward = forward.Reverse().ToArray();
        IEnumerable<int[]> Rotations(int[] order) =>
            Enumerable.Range(0, order.Length).Select(shift => order.Skip(shift).Concat(order.Take(shift)).ToArray());
        return armCount <= 1 ? [forward] : [.. Rotations(forward), .. Rotations(backward)];
    }
}
