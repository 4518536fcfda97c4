namespace Writeback.Simulation.Model;

/// <summary>
/// A kernel model applied to a record: for each durability level, from which crash point on each
/// page version, length and directory version is guaranteed, which pages and lengths are not
/// guaranteed at each crash point, and the hash of the all-lost image there. Computed in one pass
/// over the calls; everything else is looked up, never replayed.
/// </summary>
internal sealed class ModelTimeline
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
        var crashPointCount = record.CrashPointCount;
        foreach (var level in _levels.Skip(1))
        {
            level.Initialise(crashPointCount);
        }
        var memoryOrdinals = new Dictionary<long, int>();
        var memoryHash = 0UL;
        MemoryHash = new ulong[crashPointCount];
        for (var crashPointIndex = 0; crashPointIndex < crashPointCount; crashPointIndex++)
        {
            foreach (var pageKey in record.NewVersionsAt[crashPointIndex])
            {
                memoryOrdinals.TryGetValue(pageKey, out var ordinal);
                memoryOrdinals[pageKey] = ordinal + 1;
                memoryHash ^= ImageHash.Page(pageKey, ordinal) ^ ImageHash.Page(pageKey, ordinal + 1);
                _levels[1].MarkDirty(pageKey);
                _levels[2].MarkDirty(pageKey);
            }
            memoryHash ^= MemoryMetadataHash(crashPointIndex);
            MemoryHash[crashPointIndex] = memoryHash;
            memoryHash ^= MemoryMetadataHash(crashPointIndex);
            for (var level = 1; level <= 2; level++)
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

    /// <summary>The version of a page whose write was last started (StartWriteback, or a flush that does not wait) by a crash point, or 0.</summary>
    public int InFlightOrdinal(long pageKey, int crashPointIndex) => Lookup(_inFlight, pageKey, crashPointIndex);

    /// <summary>The hash of the memory image (what a process crash leaves) at each crash point.</summary>
    public ulong[] MemoryHash { get; }

    /// <summary>The guaranteed page ordinal at a level (0 = memory: the process-crash image).</summary>
    public int GuaranteedPage(int level, long pageKey, int crashPointIndex) =>
        level == 0 ? _record.MemoryOrdinal(pageKey, crashPointIndex) : Lookup(_levels[level].Pages, pageKey, crashPointIndex);

    public int GuaranteedLength(int level, int inodeId, int crashPointIndex) =>
        level == 0 ? _record.LengthMemoryOrdinal(inodeId, crashPointIndex) : Lookup(_levels[level].Lengths, inodeId, crashPointIndex);

    public int GuaranteedDirectory(int level, int crashPointIndex) =>
        level == 0 ? _record.DirectoryMemoryOrdinal(crashPointIndex) : LookupList(_levels[level].Directory, crashPointIndex);

    /// <summary>Pages whose memory version is newer than the guaranteed one, sorted by key.</summary>
    public long[] UnguaranteedPages(int level, int crashPointIndex) => _levels[level].DirtyPagesAt[crashPointIndex];

    /// <summary>Files whose length in memory is not the guaranteed one.</summary>
    public int[] UnguaranteedLengths(int level, int crashPointIndex) => _levels[level].DirtyLengthsAt[crashPointIndex];

    /// <summary>The hash of the all-lost image (every choice at its guaranteed value).</summary>
    public ulong BaseHash(int level, int crashPointIndex) => level == 0 ? MemoryHash[crashPointIndex] : _levels[level].BaseHash[crashPointIndex];

    private ulong MemoryMetadataHash(int crashPointIndex)
    {
        var hash = ImageHash.Directory(_record.DirectoryMemoryOrdinal(crashPointIndex));
        foreach (var inode in _record.Inodes)
        {
            if (inode.CreatedAt <= crashPointIndex)
            {
                hash ^= ImageHash.Length(inode.Id, _record.LengthMemoryOrdinal(inode.Id, crashPointIndex));
            }
        }
        return hash;
    }

    private void Apply(RecordedCall call, int crashPointIndex, Dictionary<long, int> memoryOrdinals)
    {
        FlushEffect effect;
        switch (call.Kind)
        {
            case CallKind.Flush or CallKind.FlushAsync:
                effect = call.WholeFileSemantics ? Model.FileFlush : Model.RangeFlush;
                break;
            case CallKind.FlushMapping:
                effect = call.WholeFileSemantics ? Model.FileFlush : Model.MappingFlush;
                break;
            case CallKind.FlushFile:
                effect = Model.FileFlush;
                break;
            case CallKind.StartWriteback:
                effect = Model.StartWritebackEffect;
                break;
            case CallKind.FlushDirectory:
                for (var level = 1; level <= (int)Model.DirectoryFlush; level++)
                {
                    _levels[level].GuaranteeDirectory(crashPointIndex + 1, _record.DirectoryMemoryOrdinal(crashPointIndex));
                }
                return;
            default:
                return;
        }
        var lengthBytes = _record.LengthBytes(call.InodeId, _record.LengthMemoryOrdinal(call.InodeId, crashPointIndex));
        if (call.OffsetBytes < 0 || call.LengthBytes < 0 || call.OffsetBytes > lengthBytes || call.LengthBytes > lengthBytes - call.OffsetBytes)
        {
            return; // The call threw ArgumentOutOfRangeException: it guaranteed nothing.
        }
        var wholeFile = effect.WholeFile || call.Kind == CallKind.FlushFile;
        var firstPage = wholeFile ? 0 : (int)(call.OffsetBytes / _record.PageSizeBytes);
        var lastPage = wholeFile ? int.MaxValue : call.LengthBytes == 0 ? -1 : (int)((call.OffsetBytes + call.LengthBytes - 1) / _record.PageSizeBytes);
        if (effect.StartsIo)
        {
            // In flight: the newest version's write has started; it may complete or not (§7.2 variant 3).
            foreach (var pageKey in _levels[2].DirtyPagesOf(call.InodeId, firstPage, lastPage))
            {
                if (!_inFlight.TryGetValue(pageKey, out var started))
                {
                    _inFlight.Add(pageKey, started = []);
                }
                started.Add((crashPointIndex + 1, memoryOrdinals[pageKey]));
            }
        }
        for (var level = 1; level <= (int)effect.Data; level++)
        {
            _levels[level].GuaranteePages(crashPointIndex + 1, call.InodeId, firstPage, lastPage, memoryOrdinals);
        }
        for (var level = 1; level <= (int)effect.Length; level++)
        {
            _levels[level].GuaranteeLength(crashPointIndex + 1, call.InodeId, _record.LengthMemoryOrdinal(call.InodeId, crashPointIndex));
        }
    }

    private static int Lookup<TKey>(Dictionary<TKey, List<(int From, int Ordinal)>> timelines, TKey key, int crashPointIndex)
        where TKey : notnull =>
        timelines.TryGetValue(key, out var timeline) ? LookupList(timeline, crashPointIndex) : 0;

    private static int LookupList(List<(int From, int Ordinal)> timeline, int crashPointIndex)
    {
        var count = Timeline.CountAtOrBefore(timeline, crashPointIndex, static entry => entry.From);
        return count == 0 ? 0 : timeline[count - 1].Ordinal;
    }

    /// <summary>The guarantees of one durability level.</summary>
    private sealed class LevelTimeline
    {
        private readonly HashSet<long> _dirtyPages = [];
        private bool _dirtyPagesChanged = true;
        private ulong _hash;

        public Dictionary<long, List<(int From, int Ordinal)>> Pages { get; } = [];

        public Dictionary<int, List<(int From, int Ordinal)>> Lengths { get; } = [];

        public List<(int From, int Ordinal)> Directory { get; } = [];

        public long[][] DirtyPagesAt { get; private set; } = [];

        public int[][] DirtyLengthsAt { get; private set; } = [];

        public ulong[] BaseHash { get; private set; } = [];

        public void Initialise(int crashPointCount)
        {
            DirtyPagesAt = new long[crashPointCount][];
            DirtyLengthsAt = new int[crashPointCount][];
            BaseHash = new ulong[crashPointCount];
        }

        public IEnumerable<long> DirtyPagesOf(int inodeId, int firstPage, int lastPage) =>
            _dirtyPages.Where(pageKey => ImageHash.InodeOf(pageKey) == inodeId
                                         && ImageHash.PageOf(pageKey) >= firstPage && ImageHash.PageOf(pageKey) <= lastPage).ToList();

        public void MarkDirty(long pageKey) => _dirtyPagesChanged |= _dirtyPages.Add(pageKey);

        public void Snapshot(int crashPointIndex, SimulationRecord record, ModelTimeline owner, int level)
        {
            if (_dirtyPagesChanged || crashPointIndex == 0)
            {
                var pages = _dirtyPages.ToArray();
                Array.Sort(pages);
                DirtyPagesAt[crashPointIndex] = pages;
                _dirtyPagesChanged = false;
            }
            else
            {
                DirtyPagesAt[crashPointIndex] = DirtyPagesAt[crashPointIndex - 1];
            }
            var dirtyLengths = new List<int>();
            var metadataHash = ImageHash.Directory(owner.GuaranteedDirectory(level, crashPointIndex));
            foreach (var inode in record.Inodes)
            {
                if (inode.CreatedAt > crashPointIndex)
                {
                    continue;
                }
                var guaranteed = owner.GuaranteedLength(level, inode.Id, crashPointIndex);
                metadataHash ^= ImageHash.Length(inode.Id, guaranteed);
                if (guaranteed != record.LengthMemoryOrdinal(inode.Id, crashPointIndex))
                {
                    dirtyLengths.Add(inode.Id);
                }
            }
            DirtyLengthsAt[crashPointIndex] = dirtyLengths.Count == 0 ? [] : [.. dirtyLengths];
            BaseHash[crashPointIndex] = _hash ^ metadataHash;
        }

        public void GuaranteePages(int from, int inodeId, int firstPage, int lastPage, Dictionary<long, int> memoryOrdinals)
        {
            List<long>? done = null;
            foreach (var pageKey in _dirtyPages)
            {
                var pageIndex = ImageHash.PageOf(pageKey);
                if (ImageHash.InodeOf(pageKey) != inodeId || pageIndex < firstPage || pageIndex > lastPage)
                {
                    continue;
                }
                var ordinal = memoryOrdinals[pageKey];
                if (!Pages.TryGetValue(pageKey, out var timeline))
                {
                    Pages.Add(pageKey, timeline = []);
                }
                var previous = timeline.Count == 0 ? 0 : timeline[^1].Ordinal;
                timeline.Add((from, ordinal));
                _hash ^= ImageHash.Page(pageKey, previous) ^ ImageHash.Page(pageKey, ordinal);
                (done ??= []).Add(pageKey);
            }
            if (done is not null)
            {
                _dirtyPages.ExceptWith(done);
                _dirtyPagesChanged = true;
            }
        }

        public void GuaranteeLength(int from, int inodeId, int ordinal)
        {
            if (!Lengths.TryGetValue(inodeId, out var timeline))
            {
                Lengths.Add(inodeId, timeline = []);
            }
            timeline.Add((from, ordinal));
        }

        public void GuaranteeDirectory(int from, int ordinal) => Directory.Add((from, ordinal));
    }
}
