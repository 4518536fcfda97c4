namespace Writeback;

/// <summary>
/// A fixed-capacity set of byte ranges [start, end), kept sorted and disjoint: overlapping or
/// adjacent ranges are merged on insertion. When it is full and a new range touches none of the
/// present ones, the two neighbours (the new range included) with the smallest gap between them
/// are coalesced into one range (the gap is then covered too), so adding never allocates and never
/// fails; the set only ever over-covers, never loses a byte.
/// Not thread-safe: the owner holds a lock.
/// </summary>
internal sealed class PendingRangeSet
{
    private readonly long[] _starts;
    private readonly long[] _ends;

    /// <summary>Creates an empty set holding at most <paramref name="capacity"/> ranges (at least 2).</summary>
    public PendingRangeSet(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _starts = new long[capacity];
        _ends = new long[capacity];
    }

    /// <summary>The number of disjoint ranges held.</summary>
    public int Count { get; private set; }

    /// <summary>The maximum number of ranges held.</summary>
    public int Capacity => _starts.Length;

    /// <summary>Returns range <paramref name="index"/> in ascending order.</summary>
    public (long Start, long End) this[int index] => (_starts[index], _ends[index]);

    /// <summary>Adds [<paramref name="start"/>, <paramref name="end"/>); requires start &lt; end.</summary>
    public void Add(long start, long end)
    {
        var index = FirstTouching(start);
        if (index < Count && _starts[index] <= end)
        {
            _starts[index] = Math.Min(_starts[index], start);
            _ends[index] = Math.Max(_ends[index], end);
            while (index + 1 < Count && _starts[index + 1] <= _ends[index])
            {
                _ends[index] = Math.Max(_ends[index], _ends[index + 1]);
                RemoveAt(index + 1);
            }
            return;
        }
        if (Count == Capacity)
        {
            // Full: of all neighbouring pairs, the new range included, join the closest one.
            var leftGap = index > 0 ? start - _ends[index - 1] : long.MaxValue;
            var rightGap = index < Count ? _starts[index] - end : long.MaxValue;
            var (pair, pairGap) = ClosestPair();
            if (Math.Min(leftGap, rightGap) <= pairGap)
            {
                if (leftGap <= rightGap)
                {
                    _ends[index - 1] = end;
                }
                else
                {
                    _starts[index] = start;
                }
                return;
            }
            _ends[pair] = _ends[pair + 1];
            RemoveAt(pair + 1);
            index = FirstTouching(start);
        }
        Array.Copy(_starts, index, _starts, index + 1, Count - index);
        Array.Copy(_ends, index, _ends, index + 1, Count - index);
        _starts[index] = start;
        _ends[index] = end;
        Count++;
    }

    /// <summary>Removes every range.</summary>
    public void Clear() => Count = 0;

    // The first range whose end reaches start (so it overlaps or is adjacent), or Count.
    private int FirstTouching(long start)
    {
        var index = 0;
        while (index < Count && _ends[index] < start)
        {
            index++;
        }
        return index;
    }

    // The index of the first range of the neighbouring pair with the smallest gap, and that gap.
    private (int Index, long Gap) ClosestPair()
    {
        var best = 0;
        var bestGap = long.MaxValue;
        for (var i = 0; i + 1 < Count; i++)
        {
            var gap = _starts[i + 1] - _ends[i];
            if (gap < bestGap)
            {
                bestGap = gap;
                best = i;
            }
        }
        return (best, bestGap);
    }

    private void RemoveAt(int index)
    {
        Array.Copy(_starts, index + 1, _starts, index, Count - index - 1);
        Array.Copy(_ends, index + 1, _ends, index, Count - index - 1);
        Count--;
    }
}
