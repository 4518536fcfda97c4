using CsCheck;

namespace Writeback.Tests;

public sealed class PendingRangeSetTests
{
    [Fact]
    public void OverlappingAndAdjacentRangesMerge()
    {
        var set = new PendingRangeSet(4);
        set.Add(10, 20);
        set.Add(30, 40);
        set.Add(20, 30); // adjacent to both
        Assert.Equal(1, set.Count);
        Assert.Equal((10L, 40L), set[0]);
        set.Add(50, 60);
        set.Add(0, 5);
        Assert.Equal([(0L, 5L), (10L, 40L), (50L, 60L)], Enumerable.Range(0, set.Count).Select(i => set[i]));
    }

    [Fact]
    public void AFullSetCoalescesTheClosestNeighbours()
    {
        var set = new PendingRangeSet(2);
        set.Add(0, 10);
        set.Add(100, 110);
        set.Add(15, 20); // no room: the closest pair (0,10)+(15,20) becomes one
        Assert.Equal([(0L, 20L), (100L, 110L)], Enumerable.Range(0, set.Count).Select(i => set[i]));
    }

    [Fact]
    public void EveryAddedByteStaysCoveredAndRangesStaySortedAndDisjoint()
    {
        Gen.Select(Gen.Int[2, 6], Gen.Select(Gen.Long[0, 200], Gen.Long[1, 30]).Array[1, 40])
            .Sample((capacity, ranges) =>
            {
                var set = new PendingRangeSet(capacity);
                var covered = new bool[300];
                var mostRuns = 0;
                foreach (var (start, length) in ranges)
                {
                    set.Add(start, start + length);
                    for (var b = start; b < start + length; b++)
                    {
                        covered[b] = true;
                    }
                    mostRuns = Math.Max(mostRuns, Runs(covered).Count);
                }
                if (set.Count > capacity)
                {
                    return false;
                }
                for (var i = 0; i + 1 < set.Count; i++)
                {
                    if (set[i].End >= set[i + 1].Start) // sorted, disjoint, not adjacent
                    {
                        return false;
                    }
                }
                for (var b = 0; b < covered.Length; b++)
                {
                    var inSet = Enumerable.Range(0, set.Count).Any(i => set[i].Start <= b && b < set[i].End);
                    if (covered[b] && !inSet)
                    {
                        return false;
                    }
                }
                // Exact (nothing extra) when the union always fitted in the capacity: no coalescing was needed.
                return mostRuns > capacity || Runs(covered).SequenceEqual(Enumerable.Range(0, set.Count).Select(i => set[i]));
            }, iter: 2000);
    }

    private static List<(long Start, long End)> Runs(bool[] covered)
    {
        var runs = new List<(long, long)>();
        for (var b = 0; b < covered.Length; b++)
        {
            if (covered[b] && (b == 0 || !covered[b - 1]))
            {
                var end = b;
                while (end < covered.Length && covered[end])
                {
                    end++;
                }
                runs.Add((b, end));
            }
        }
        return runs;
    }
}
