using Writeback.Simulation.Exploration;
using Writeback.Simulation.Recording;
using Writeback.Simulation.Storage;
namespace Writeback.Simulation.Kernel;

/// <summary>The guarantees of one durability level.</summary>
internal sealed class LevelTimeline
{
    private readonly HashSet<long> _dirtyPages = [];
    /// <summary>A full copy of the dirty set every this many crash points; in between, the changes are replayed.</summary>
    private const int CheckpointInterval = 64;
    private readonly List<long[]> _checkpoints = [];
    private readonly List<(int From, long PageKey, bool Added)> _changes = [];
    private int[] _changesBefore = [];
    private int[] _dirtyCounts = [];
    private long[]?[] _small = [];
    private long[]? _lastSmall;
    private int _lastSmallChanges = -1;

    /// <summary>Dirty sets of at most this many pages are kept per crash point (shared while unchanged); larger ones are rebuilt from checkpoints.</summary>
    private const int SmallSetPages = 64;
    private UInt128 _hash;

    public Dictionary<long, List<(int From, int Ordinal)>> Pages { get; } = [];

    public Dictionary<int, List<(int From, int Ordinal)>> Lengths { get; } = [];

    /// <summary>Per file: the first crash point from which some version of one of its pages or of its length is guaranteed at this level.</summary>
    public Dictionary<int, int> FirstCoveredAt { get; } = [];

    /// <summary>Per directory id (0 the root): from which crash point which directory state's entries of it are guaranteed.</summary>
    public Dictionary<int, List<(int From, int Ordinal)>> Directories { get; } = [];


    public int[][] DirtyLengthsAt { get; private set; } = [];

    public UInt128[] BaseHash { get; private set; } = [];

    public void Initialise(int crashPointCount)
    {
        _changesBefore = new int[crashPointCount + 1];
        _small = new long[]?[crashPointCount];
        _dirtyCounts = new int[crashPointCount];
        DirtyLengthsAt = new int[crashPointCount][];
        BaseHash = new UInt128[crashPointCount];
    }

    public IEnumerable<long> DirtyPagesOf(int inodeId, int firstPage, int lastPage) =>
        _dirtyPages.Where(pageKey => ImageHash.InodeOf(pageKey) == inodeId
                                     && ImageHash.PageOf(pageKey) >= firstPage && ImageHash.PageOf(pageKey) <= lastPage).ToList();

    public void MarkDirty(long pageKey, int from)
    {
        if (_dirtyPages.Add(pageKey))
        {
            _changes.Add((from, pageKey, true));
        }
    }

    /// <summary>
    /// The pages not guaranteed at a crash point, sorted: the checkpoint before it plus the changes
    /// since, so memory is the checkpoints (one per <see cref="CheckpointInterval"/> crash points)
    /// and the changes, not a copy per crash point.
    /// </summary>
    public long[] DirtyPagesAt(int crashPointIndex)
    {
        if (_small[crashPointIndex] is { } small)
        {
            return small;
        }
        int checkpointIndex = crashPointIndex / CheckpointInterval;
        var set = new HashSet<long>(_checkpoints[checkpointIndex]);
        for (int change = _changesBefore[checkpointIndex * CheckpointInterval + 1]; change < _changesBefore[crashPointIndex + 1]; change++)
        {
            (int _, long pageKey, bool added) = _changes[change];
            if (added)
            {
                set.Add(pageKey);
            }
            else
            {
                set.Remove(pageKey);
            }
        }
        long[] pages = set.ToArray();
        Array.Sort(pages);
        return pages;
    }

    public int DirtyPageCountAt(int crashPointIndex) => _dirtyCounts[crashPointIndex];

    public void Snapshot(int crashPointIndex, SimulationRecord record, ModelTimeline owner, int level)
    {
        // Changes logged so far take effect at or before this crash point (removals from the call before it).
        _changesBefore[crashPointIndex + 1] = _changes.Count;
        _dirtyCounts[crashPointIndex] = _dirtyPages.Count;
        if (_dirtyPages.Count <= SmallSetPages)
        {
            if (_lastSmall is null || _lastSmallChanges != _changes.Count)
            {
                _lastSmall = [.. _dirtyPages];
                Array.Sort(_lastSmall);
                _lastSmallChanges = _changes.Count;
            }
            _small[crashPointIndex] = _lastSmall;
        }
        else
        {
            _lastSmall = null;
        }
        if (crashPointIndex % CheckpointInterval == 0)
        {
            long[] pages = _dirtyPages.ToArray();
            Array.Sort(pages);
            _checkpoints.Add(pages);
        }
        var dirtyLengths = new List<int>();
        UInt128 metadataHash = owner.DirectoryHash(level, crashPointIndex, owner.GuaranteedDirectory(level, crashPointIndex));
        foreach (InodeHistory inode in record.Inodes)
        {
            if (inode.CreatedAt > crashPointIndex)
            {
                continue;
            }
            int guaranteed = owner.GuaranteedLength(level, inode.Id, crashPointIndex);
            metadataHash ^= ImageHash.Length(inode.Id, guaranteed);
            if (guaranteed != record.LengthMemoryOrdinal(inode.Id, crashPointIndex))
            {
                dirtyLengths.Add(inode.Id);
            }
        }
        DirtyLengthsAt[crashPointIndex] = dirtyLengths.Count == 0 ? [] : [.. dirtyLengths];
        BaseHash[crashPointIndex] = _hash ^ metadataHash;
    }

    /// <summary>Guarantees each page at least the given version from crash point <paramref name="from"/>; returns whether anything changed.</summary>
    public bool GuaranteePages(int from, IReadOnlyList<(long PageKey, int Ordinal)> pages, Dictionary<long, int> memoryOrdinals)
    {
        bool changed = false;
        foreach ((long pageKey, int ordinal) in pages)
        {
            if (!Pages.TryGetValue(pageKey, out List<(int From, int Ordinal)>? timeline))
            {
                Pages.Add(pageKey, timeline = []);
            }
            int previous = timeline.Count == 0 ? 0 : timeline[^1].Ordinal;
            if (ordinal <= previous)
            {
                continue;
            }
            timeline.Add((from, ordinal));
            FirstCoveredAt.TryAdd(ImageHash.InodeOf(pageKey), from);
            _hash ^= ImageHash.Page(pageKey, previous) ^ ImageHash.Page(pageKey, ordinal);
            if (ordinal == memoryOrdinals[pageKey] && _dirtyPages.Remove(pageKey))
            {
                _changes.Add((from, pageKey, false));
            }
            changed = true;
        }
        return changed;
    }

    /// <summary>Guarantees the length version from crash point <paramref name="from"/>; returns whether it is newer than the one guaranteed.</summary>
    public bool GuaranteeLength(int from, int inodeId, int ordinal)
    {
        if (!Lengths.TryGetValue(inodeId, out List<(int From, int Ordinal)>? timeline))
        {
            Lengths.Add(inodeId, timeline = []);
        }
        if (ordinal <= (timeline.Count == 0 ? 0 : timeline[^1].Ordinal))
        {
            return false;
        }
        timeline.Add((from, ordinal));
        FirstCoveredAt.TryAdd(inodeId, from);
        return true;
    }

    public void GuaranteeDirectory(int from, int directoryId, int ordinal)
    {
        if (!Directories.TryGetValue(directoryId, out List<(int From, int Ordinal)>? timeline))
        {
            Directories.Add(directoryId, timeline = []);
        }
        if (timeline.Count == 0 || ordinal > timeline[^1].Ordinal)
        {
            timeline.Add((from, ordinal));
        }
    }
}
