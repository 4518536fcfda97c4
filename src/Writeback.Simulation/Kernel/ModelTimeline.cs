using Writeback.Simulation.Exploration;
using Writeback.Simulation.Recording;
using Writeback.Simulation.Storage;
namespace Writeback.Simulation.Kernel;

/// <summary>
/// A kernel model applied to a record: for each durability level, from which crash point on each
/// page version, length and directory version is guaranteed, which pages and lengths are not
/// guaranteed at each crash point, and the hash of the all-lost image there. Computed in one pass
/// over the calls; everything else is looked up, never replayed.
/// </summary>
internal sealed partial class ModelTimeline
{
    /// <summary>Levels 1 (device cache: kernel crash) and 2 (stable: power loss); index 0 is unused (memory).</summary>
    private readonly LevelTimeline[] _levels = [null!, new(), new()];
    private readonly SimulationRecord _record;

    /// <summary>The level whose guarantees a crash of <paramref name="kind"/> keeps: 0 memory (process crash), 1 device cache (kernel crash), 2 stable (power loss).</summary>
    public static int LevelOf(CrashKind kind) => kind switch { CrashKind.ProcessCrash => 0, CrashKind.KernelCrash => 1, _ => 2 };

    public ModelTimeline(SimulationRecord record, KernelModel model)
    {
        _record = record;
        Model = model;
        _directoryCreatedAt = record.HasSubdirectories ? EveryDirectory(record) : new() { [0] = 0 };
        _directoryIds = [.. _directoryCreatedAt.Keys.Order()];
        int crashPointCount = record.CrashPointCount;
        foreach (LevelTimeline? level in _levels.Skip(1))
        {
            level.Initialise(crashPointCount);
        }
        HasEffect = new bool[record.CallCount];
        var memoryOrdinals = new Dictionary<long, int>();
        UInt128 memoryHash = 0;
        MemoryHash = new UInt128[crashPointCount];
        for (int crashPointIndex = 0; crashPointIndex < crashPointCount; crashPointIndex++)
        {
            foreach (long pageKey in record.NewVersionsAt[crashPointIndex])
            {
                memoryOrdinals.TryGetValue(pageKey, out int ordinal);
                memoryOrdinals[pageKey] = ordinal + 1;
                memoryHash ^= ImageHash.Page(pageKey, ordinal) ^ ImageHash.Page(pageKey, ordinal + 1);
                _levels[1].MarkDirty(pageKey, crashPointIndex);
                _levels[2].MarkDirty(pageKey, crashPointIndex);
            }
            memoryHash ^= MemoryMetadataHash(crashPointIndex);
            MemoryHash[crashPointIndex] = memoryHash;
            memoryHash ^= MemoryMetadataHash(crashPointIndex);
            for (int level = 1; level <= 2; level++)
            {
                _levels[level].Snapshot(crashPointIndex, record, this, level);
            }
            if (crashPointIndex < record.CallCount)
            {
                Apply(record.Calls[crashPointIndex], crashPointIndex, memoryOrdinals);
            }
        }
    }

    public KernelModel Model { get; }

    private readonly Dictionary<long, List<(int From, int Ordinal)>> _inFlight = [];
    private readonly Dictionary<int, AsyncFlush> _asyncStarts = [];
    private readonly Dictionary<long, int> _failedVersions = [];

    /// <summary>
    /// Per call: whether it changed what is guaranteed at some level (or marked pages failed). A
    /// crash point before a call without effect, with the same acknowledgements as the next one, allows
    /// a subset of the next crash point's images.
    /// </summary>
    public bool[] HasEffect { get; }

    /// <summary>The version of a page whose write was last started (StartWriteback, or a flush that does not wait) by a crash point, or 0.</summary>
    public int InFlightOrdinal(long pageKey, int crashPointIndex) => Lookup(_inFlight, pageKey, crashPointIndex);

    /// <summary>The hash of the memory image (what a process crash leaves) at each crash point.</summary>
    public UInt128[] MemoryHash { get; }

    /// <summary>The guaranteed page ordinal at a level (0 = memory: the process-crash image).</summary>
    public int GuaranteedPage(int level, long pageKey, int crashPointIndex) =>
        level == 0 ? _record.MemoryOrdinal(pageKey, crashPointIndex) : Lookup(_levels[level].Pages, pageKey, crashPointIndex);

    /// <summary>
    /// The versions of a page a crash image may show when its file's length version puts the page in
    /// <paramref name="epoch"/> (cuts by shrinks, <see cref="SimulationRecord.EpochOfLength"/>): from the
    /// epoch's guaranteed version (the newest version of that epoch a flush guaranteed, else its cut
    /// version) to its newest version in memory.
    /// </summary>
    public (int Lo, int Hi) EpochRange(int level, long pageKey, int crashPointIndex, int epoch)
    {
        int memory = _record.MemoryOrdinal(pageKey, crashPointIndex);
        (int first, int last) = _record.EpochVersions(pageKey, epoch, memory);
        int guaranteed = GuaranteedPage(level, pageKey, crashPointIndex);
        if (guaranteed >= first && guaranteed <= last)
        {
            return (guaranteed, last);
        }
        int lo = first;
        if (guaranteed > last && level > 0 && _levels[level].Pages.TryGetValue(pageKey, out List<(int From, int Ordinal)>? timeline))
        {
            foreach ((int from, int ordinal) in timeline)
            {
                if (from <= crashPointIndex && ordinal >= first && ordinal <= last)
                {
                    lo = Math.Max(lo, ordinal);
                }
            }
        }
        return (lo, last);
    }

    public int GuaranteedLength(int level, int inodeId, int crashPointIndex) =>
        level == 0 ? _record.LengthMemoryOrdinal(inodeId, crashPointIndex) : Lookup(_levels[level].Lengths, inodeId, crashPointIndex);

    /// <summary>Pages whose memory version is newer than the guaranteed one, sorted by key.</summary>
    public long[] UnguaranteedPages(int level, int crashPointIndex) => _levels[level].DirtyPagesAt(crashPointIndex);

    /// <summary>How many pages are not guaranteed at a level and crash point.</summary>
    public int UnguaranteedPageCount(int level, int crashPointIndex) => _levels[level].DirtyPageCountAt(crashPointIndex);

    /// <summary>Files whose length in memory is not the guaranteed one.</summary>
    public int[] UnguaranteedLengths(int level, int crashPointIndex) => _levels[level].DirtyLengthsAt[crashPointIndex];

    /// <summary>
    /// Whether a durability call (under this model, at this level) guaranteed some version of one of the
    /// file's pages or of its length at or before the crash point. A file never covered holds nothing the
    /// model promises: every content it may show after the crash is a chance survivor.
    /// </summary>
    public bool ContentsCovered(int level, int inodeId, int crashPointIndex) =>
        level == 0 || _levels[level].FirstCoveredAt.TryGetValue(inodeId, out int from) && from <= crashPointIndex;

    /// <summary>The hash of the all-lost image (every choice at its guaranteed value).</summary>
    public UInt128 BaseHash(int level, int crashPointIndex) => level == 0 ? MemoryHash[crashPointIndex] : _levels[level].BaseHash[crashPointIndex];

    private UInt128 MemoryMetadataHash(int crashPointIndex)
    {
        UInt128 hash = DirectoryHash(0, crashPointIndex, _record.DirectoryMemoryOrdinal(crashPointIndex));
        foreach (InodeHistory inode in _record.Inodes)
        {
            if (inode.CreatedAt <= crashPointIndex)
            {
                hash ^= ImageHash.Length(inode.Id, _record.LengthMemoryOrdinal(inode.Id, crashPointIndex));
            }
        }
        return hash;
    }

    private static int Lookup<TKey>(Dictionary<TKey, List<(int From, int Ordinal)>> timelines, TKey key, int crashPointIndex)
        where TKey : notnull =>
        timelines.TryGetValue(key, out List<(int From, int Ordinal)>? timeline) ? LookupList(timeline, crashPointIndex) : 0;

    private static int LookupList(List<(int From, int Ordinal)> timeline, int crashPointIndex)
    {
        int count = Timeline.CountAtOrBefore(timeline, crashPointIndex, static entry => entry.From);
        return count == 0 ? 0 : timeline[count - 1].Ordinal;
    }
}
