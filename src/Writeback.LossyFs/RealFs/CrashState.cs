using Writeback.Formatting;
using Writeback.LossyFs.BlockLog;
using Writeback.LossyFs.Volatile;
using Writeback.Prng;

namespace Writeback.LossyFs.RealFs;

/// <summary>
/// One device image a power cut could leave: every data record before <see cref="BaseEntryCount"/>
/// (all writes up to a flush), plus <see cref="Included"/>, a subset of the writes of the epoch that
/// follows (the device's volatile cache may keep any of them), each possibly torn at 512 bytes.
/// </summary>
/// <param name="Epoch">The epoch's number, counted from the start of the program (1 = the writes before its first flush).</param>
/// <param name="BaseEntryCount">Records before this index are all applied.</param>
/// <param name="Included">Log indexes of the epoch's writes that reached the medium, in log order.</param>
/// <param name="EpochWriteCount">How many writes the epoch has.</param>
/// <param name="TornSectorMasks">For torn writes: log index to a seed choosing which of its 512-byte sectors survive.</param>
/// <param name="OutputEntryCount">Output records before this index were written before the crash (the acknowledged output).</param>
public sealed record CrashState(int Epoch, int BaseEntryCount, IReadOnlyList<int> Included, int EpochWriteCount,
                                IReadOnlyDictionary<int, ulong> TornSectorMasks, int OutputEntryCount)
{
    /// <summary>The crash in words, for the checker's <c>WRITEBACK_CRASH_POINT</c> and reports.</summary>
    public string Describe(int index) =>
        $"#{index} epoch {Epoch}: {Included.Count} of its {Counted.Of(EpochWriteCount, "write")} reached the disk"
        + (TornSectorMasks.Count > 0 ? $" ({TornSectorMasks.Count} torn at 512 bytes)" : "");

    /// <summary>Whether the sector <paramref name="sectorIndex"/> of a torn write survives.</summary>
    public static bool SectorSurvives(ulong seed, int sectorIndex) => SplitMix64.Coin(seed, 0x7041, (ulong)sectorIndex);
}

/// <summary>
/// Enumerates the crash states of a block log after a marker: for each epoch (the writes between
/// two flushes), every subset of its writes when the epoch is small, else a seeded sample that
/// always holds none, all, and each prefix of a few lengths. A full subset that equals the next
/// epoch's empty subset is left out (same image; the next carries more acknowledged output).
/// </summary>
public static class CrashStates
{
    /// <summary>Epochs of at most this many writes are enumerated exhaustively when the budget allows.</summary>
    public const int ExhaustiveWriteLimit = 10;

    /// <summary>The crash states, at most <paramref name="maximumStates"/>, deterministic for a seed.</summary>
    public static IReadOnlyList<CrashState> Enumerate(IReadOnlyList<BlockLogEntry> entries, int startIndex, int maximumStates, ulong seed, bool torn)
    {
        List<EpochRange> epochs = Epochs(entries, startIndex);
        List<long> budgets = Budgets(epochs.Select(e => e.Writes.Count).ToList(), maximumStates);
        var states = new List<CrashState>();
        for (int epochIndex = 0; epochIndex < epochs.Count; epochIndex++)
        {
            EpochRange epoch = epochs[epochIndex];
            bool last = epochIndex == epochs.Count - 1;
            foreach (IReadOnlyList<int> subset in Subsets(epoch.Writes.Count, budgets[epochIndex], seed ^ (ulong)epochIndex, skipFull: !last))
            {
                var included = subset.Select(i => epoch.Writes[i]).ToList();
                var tornMasks = new Dictionary<int, ulong>();
                if (torn)
                {
                    foreach (int index in included.Where(i => entries[i].LengthBytes > 512
                                                          && SplitMix64.Coin(seed, 0x7042 + (ulong)states.Count, (ulong)i)))
                    {
                        tornMasks[index] = SplitMix64.OutputAt(seed ^ ((ulong)index << 20) ^ (ulong)states.Count);
                    }
                }
                states.Add(new CrashState(epochIndex + 1, epoch.Start, included, epoch.Writes.Count, tornMasks, epoch.End));
            }
        }
        return states;
    }

    private sealed record EpochRange(int Start, int End, List<int> Writes);

    /// <summary>The epochs after <paramref name="startIndex"/>: each from the record after a flush to its next flush (exclusive), or the log's end.</summary>
    private static List<EpochRange> Epochs(IReadOnlyList<BlockLogEntry> entries, int startIndex)
    {
        var epochs = new List<EpochRange>();
        int start = startIndex;
        var writes = new List<int>();
        for (int index = startIndex; index < entries.Count; index++)
        {
            if (entries[index].ChangesData)
            {
                writes.Add(index);
            }
            else if (entries[index].Kind == BlockLogEntryKind.Flush)
            {
                if (writes.Count > 0 || epochs.Count == 0)
                {
                    epochs.Add(new EpochRange(start, index, writes));
                }
                start = index + 1;
                writes = [];
            }
        }
        epochs.Add(new EpochRange(start, entries.Count, writes));
        return epochs;
    }

    /// <summary>Shares the budget: every epoch gets at least its empty and full subsets; the rest goes by water-filling.</summary>
    private static List<long> Budgets(List<int> writeCounts, int maximumStates)
    {
        var wanted = writeCounts.Select(n => n >= 62 ? long.MaxValue : 1L << n).ToList();
        var budgets = wanted.Select(w => Math.Min(w, 2L)).ToList();
        long remaining = Math.Max(0, maximumStates - budgets.Sum());
        while (remaining > 0)
        {
            var open = Enumerable.Range(0, wanted.Count).Where(i => budgets[i] < wanted[i]).ToList();
            if (open.Count == 0)
            {
                break;
            }
            long share = Math.Max(1, remaining / open.Count);
            foreach (int i in open)
            {
                long add = Math.Min(Math.Min(share, wanted[i] - budgets[i]), remaining);
                budgets[i] += add;
                remaining -= add;
            }
        }
        return budgets;
    }

    private static IEnumerable<IReadOnlyList<int>> Subsets(int writeCount, long budget, ulong seed, bool skipFull)
    {
        if (writeCount <= ExhaustiveWriteLimit && budget >= 1L << writeCount)
        {
            for (long mask = 0; mask < 1L << writeCount; mask++)
            {
                if (!(skipFull && writeCount > 0 && mask == (1L << writeCount) - 1))
                {
                    yield return Enumerable.Range(0, writeCount).Where(i => (mask >> i & 1) != 0).ToList();
                }
            }
            yield break;
        }
        var seen = new HashSet<string>();
        // None, all, and prefixes: the orders a FIFO cache would keep.
        var fixedSets = new List<IReadOnlyList<int>> { Array.Empty<int>() };
        for (int length = 1; length < writeCount; length = length * 2)
        {
            fixedSets.Add(Enumerable.Range(0, length).ToList());
        }
        if (!skipFull)
        {
            fixedSets.Add(Enumerable.Range(0, writeCount).ToList());
        }
        long produced = 0;
        foreach (IReadOnlyList<int>? set in fixedSets.Where(s => seen.Add(string.Join(',', s))))
        {
            if (produced++ >= budget)
            {
                yield break;
            }
            yield return set;
        }
        for (ulong attempt = 0; produced < budget && attempt < (ulong)budget * 4; attempt++)
        {
            var set = Enumerable.Range(0, writeCount).Where(i => SplitMix64.Coin(seed, attempt, (ulong)i)).ToList();
            if ((skipFull && set.Count == writeCount) || !seen.Add(string.Join(',', set)))
            {
                continue;
            }
            produced++;
            yield return set;
        }
    }
}
