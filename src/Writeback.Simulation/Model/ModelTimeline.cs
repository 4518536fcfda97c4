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
        HasEffect = new bool[record.CallCount];
        var memoryOrdinals = new Dictionary<long, int>();
        UInt128 memoryHash = 0;
        MemoryHash = new UInt128[crashPointCount];
        for (var crashPointIndex = 0; crashPointIndex < crashPointCount; crashPointIndex++)
        {
            foreach (var pageKey in record.NewVersionsAt[crashPointIndex])
            {
                memoryOrdinals.TryGetValue(pageKey, out var ordinal);
                memoryOrdinals[pageKey] = ordinal + 1;
                memoryHash ^= ImageHash.Page(pageKey, ordinal) ^ ImageHash.Page(pageKey, ordinal + 1);
                _levels[1].MarkDirty(pageKey, crashPointIndex);
                _levels[2].MarkDirty(pageKey, crashPointIndex);
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
        var memory = _record.MemoryOrdinal(pageKey, crashPointIndex);
        var (first, last) = _record.EpochVersions(pageKey, epoch, memory);
        var guaranteed = GuaranteedPage(level, pageKey, crashPointIndex);
        if (guaranteed >= first && guaranteed <= last)
        {
            return (guaranteed, last);
        }
        var lo = first;
        if (guaranteed > last && level > 0 && _levels[level].Pages.TryGetValue(pageKey, out var timeline))
        {
            foreach (var (from, ordinal) in timeline)
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

    public int GuaranteedDirectory(int level, int crashPointIndex) =>
        level == 0 ? _record.DirectoryMemoryOrdinal(crashPointIndex) : LookupList(_levels[level].Directory, crashPointIndex);

    /// <summary>Pages whose memory version is newer than the guaranteed one, sorted by key.</summary>
    public long[] UnguaranteedPages(int level, int crashPointIndex) => _levels[level].DirtyPagesAt(crashPointIndex);

    /// <summary>How many pages are not guaranteed at a level and crash point.</summary>
    public int UnguaranteedPageCount(int level, int crashPointIndex) => _levels[level].DirtyPageCountAt(crashPointIndex);

    /// <summary>Files whose length in memory is not the guaranteed one.</summary>
    public int[] UnguaranteedLengths(int level, int crashPointIndex) => _levels[level].DirtyLengthsAt[crashPointIndex];

    /// <summary>The hash of the all-lost image (every choice at its guaranteed value).</summary>
    public UInt128 BaseHash(int level, int crashPointIndex) => level == 0 ? MemoryHash[crashPointIndex] : _levels[level].BaseHash[crashPointIndex];

    private UInt128 MemoryMetadataHash(int crashPointIndex)
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
        if (call.Outcome == CallOutcome.Threw)
        {
            return; // It threw before doing anything: it guaranteed nothing.
        }
        if (call.Kind == CallKind.FlushDirectory)
        {
            if (call.Outcome == CallOutcome.Returned)
            {
                for (var level = 1; level <= (int)Model.DirectoryFlush; level++)
                {
                    _levels[level].GuaranteeDirectory(crashPointIndex + 1, _record.DirectoryMemoryOrdinal(crashPointIndex));
                }
                HasEffect[crashPointIndex] = true;
            }
            return;
        }
        if (EffectOf(call) is not { } effect)
        {
            return;
        }
        var (firstPage, lastPage) = PagesCovered(call, effect);
        if (call.Kind == CallKind.FlushAsync)
        {
            // In flight until the program sees the task complete: the pages may or may not reach the
            // disk; the completion guarantees the versions in memory now, not later stores.
            MarkInFlight(call.InodeId, firstPage, lastPage, crashPointIndex, memoryOrdinals);
            _asyncStarts[crashPointIndex] = new AsyncFlush(
                [.. _levels[2].DirtyPagesOf(call.InodeId, firstPage, lastPage).Select(pageKey => (pageKey, memoryOrdinals[pageKey]))],
                _record.LengthMemoryOrdinal(call.InodeId, crashPointIndex));
            return;
        }
        if (call.Kind == CallKind.FlushAsyncCompleted)
        {
            _asyncStarts.Remove(call.StartedAt, out var started);
            if (started is not null)
            {
                Guarantee(call, effect, crashPointIndex, started.Pages, started.LengthOrdinal, memoryOrdinals);
            }
            return;
        }
        if (effect.StartsIo)
        {
            MarkInFlight(call.InodeId, firstPage, lastPage, crashPointIndex, memoryOrdinals);
        }
        var pages = _levels[2].DirtyPagesOf(call.InodeId, firstPage, lastPage).Select(pageKey => (pageKey, memoryOrdinals[pageKey])).ToList();
        Guarantee(call, effect, crashPointIndex, pages, _record.LengthMemoryOrdinal(call.InodeId, crashPointIndex), memoryOrdinals);
    }

    /// <summary>
    /// The flush's guarantee from the next crash point on; or, for a call an injected fault failed,
    /// its dirty pages marked clean unwritten: no later flush writes those versions (fsyncgate).
    /// </summary>
    private void Guarantee(RecordedCall call, FlushEffect effect, int crashPointIndex, IReadOnlyList<(long PageKey, int Ordinal)> pages,
                           int lengthOrdinal, Dictionary<long, int> memoryOrdinals)
    {
        if (call.Outcome == CallOutcome.Failed)
        {
            foreach (var (pageKey, ordinal) in pages)
            {
                _failedVersions[pageKey] = Math.Max(ordinal, _failedVersions.GetValueOrDefault(pageKey));
            }
            HasEffect[crashPointIndex] = true;
            return;
        }
        var written = pages.Where(page => page.Ordinal > _failedVersions.GetValueOrDefault(page.PageKey)).ToList();
        for (var level = 1; level <= (int)effect.Data; level++)
        {
            HasEffect[crashPointIndex] |= _levels[level].GuaranteePages(crashPointIndex + 1, written, memoryOrdinals);
        }
        for (var level = 1; level <= (int)effect.Length; level++)
        {
            HasEffect[crashPointIndex] |= _levels[level].GuaranteeLength(crashPointIndex + 1, call.InodeId, lengthOrdinal);
        }
    }

    private FlushEffect? EffectOf(RecordedCall call) => call.Kind switch
    {
        CallKind.Flush or CallKind.FlushAsync or CallKind.FlushAsyncCompleted => call.WholeFileSemantics ? Model.FileFlush : Model.RangeFlush,
        CallKind.FlushMapping => call.WholeFileSemantics ? Model.FileFlush : Model.MappingFlush,
        CallKind.FlushFile => Model.FileFlush,
        CallKind.StartWriteback => Model.StartWritebackEffect,
        _ => null,
    };

    private (int FirstPage, int LastPage) PagesCovered(RecordedCall call, FlushEffect effect)
    {
        if (effect.WholeFile || call.Kind == CallKind.FlushFile)
        {
            return (0, int.MaxValue);
        }
        var firstPage = (int)(call.OffsetBytes / _record.PageSizeBytes);
        var lastPage = call.LengthBytes == 0 ? -1 : (int)((call.OffsetBytes + call.LengthBytes - 1) / _record.PageSizeBytes);
        return (firstPage, lastPage);
    }

    /// <summary>In flight: the newest version's write has started; it may complete or not (§7.2 variant 3).</summary>
    private void MarkInFlight(int inodeId, int firstPage, int lastPage, int crashPointIndex, Dictionary<long, int> memoryOrdinals)
    {
        foreach (var pageKey in _levels[2].DirtyPagesOf(inodeId, firstPage, lastPage))
        {
            if (!_inFlight.TryGetValue(pageKey, out var started))
            {
                _inFlight.Add(pageKey, started = []);
            }
            started.Add((crashPointIndex + 1, memoryOrdinals[pageKey]));
        }
    }

    /// <summary>A <c>FlushAsync</c> started and not yet completed: the versions and the length its completion guarantees.</summary>
    private sealed record AsyncFlush(IReadOnlyList<(long PageKey, int Ordinal)> Pages, int LengthOrdinal);

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

        public List<(int From, int Ordinal)> Directory { get; } = [];


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
            var checkpointIndex = crashPointIndex / CheckpointInterval;
            var set = new HashSet<long>(_checkpoints[checkpointIndex]);
            for (var change = _changesBefore[checkpointIndex * CheckpointInterval + 1]; change < _changesBefore[crashPointIndex + 1]; change++)
            {
                var (_, pageKey, added) = _changes[change];
                if (added)
                {
                    set.Add(pageKey);
                }
                else
                {
                    set.Remove(pageKey);
                }
            }
            var pages = set.ToArray();
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
                var pages = _dirtyPages.ToArray();
                Array.Sort(pages);
                _checkpoints.Add(pages);
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

        /// <summary>Guarantees each page at least the given version from crash point <paramref name="from"/>; returns whether anything changed.</summary>
        public bool GuaranteePages(int from, IReadOnlyList<(long PageKey, int Ordinal)> pages, Dictionary<long, int> memoryOrdinals)
        {
            var changed = false;
            foreach (var (pageKey, ordinal) in pages)
            {
                if (!Pages.TryGetValue(pageKey, out var timeline))
                {
                    Pages.Add(pageKey, timeline = []);
                }
                var previous = timeline.Count == 0 ? 0 : timeline[^1].Ordinal;
                if (ordinal <= previous)
                {
                    continue;
                }
                timeline.Add((from, ordinal));
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
            if (!Lengths.TryGetValue(inodeId, out var timeline))
            {
                Lengths.Add(inodeId, timeline = []);
            }
            if (ordinal <= (timeline.Count == 0 ? 0 : timeline[^1].Ordinal))
            {
                return false;
            }
            timeline.Add((from, ordinal));
            return true;
        }

        public void GuaranteeDirectory(int from, int ordinal) => Directory.Add((from, ordinal));
    }
}
