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

    /// <summary>
    /// The oldest directory state a crash image may start from: with subdirectories, the oldest state
    /// any directory's names are guaranteed at (the names of each directory are then taken from the
    /// newer of that state and the directory's own guaranteed one, <see cref="NamesAt"/>).
    /// </summary>
    public int GuaranteedDirectory(int level, int crashPointIndex)
    {
        if (level == 0)
        {
            return _record.DirectoryMemoryOrdinal(crashPointIndex);
        }
        if (!_record.HasSubdirectories)
        {
            return GuaranteedNamesOf(level, 0, crashPointIndex);
        }
        var oldest = int.MaxValue;
        foreach (var directoryId in _directoryIds)
        {
            oldest = Math.Min(oldest, GuaranteedNamesOf(level, directoryId, crashPointIndex));
        }
        return oldest;
    }

    /// <summary>
    /// The directory state whose entries of directory <paramref name="directoryId"/> (0 the root) are
    /// guaranteed: at least the state that created it (empty then, as in every state before it).
    /// </summary>
    private int GuaranteedNamesOf(int level, int directoryId, int crashPointIndex) =>
        Math.Max(_directoryCreatedAt.GetValueOrDefault(directoryId),
                 _levels[level].Directories.TryGetValue(directoryId, out var timeline) ? LookupList(timeline, crashPointIndex) : 0);

    /// <summary>
    /// The names a crash image has when the directory state chosen is <paramref name="ordinal"/>: one
    /// directory: that state's. With subdirectories, each directory's entries come from the newer of
    /// <paramref name="ordinal"/> and the state its last fsync guaranteed (strict POSIX: an fsync of a
    /// directory makes only its own entries durable), and a name survives only if every directory on
    /// its path is itself named (an entry in a directory that is not linked is unreachable).
    /// </summary>
    public IReadOnlyDictionary<string, int> NamesAt(int level, int crashPointIndex, int ordinal)
    {
        if (level == 0 || !_record.HasSubdirectories)
        {
            return _record.DirectoryNames(ordinal);
        }
        return _resolvedNames.GetOrAdd((level, crashPointIndex, ordinal), key => ResolveNames(key.Level, key.CrashPointIndex, key.Ordinal));
    }

    /// <summary>The hash of the names <see cref="NamesAt"/> gives (one directory: of the state's ordinal; else of the names themselves).</summary>
    public UInt128 DirectoryHash(int level, int crashPointIndex, int ordinal)
    {
        if (!_record.HasSubdirectories)
        {
            return ImageHash.Directory(ordinal);
        }
        var names = NamesAt(level, crashPointIndex, ordinal);
        var key = string.Join("\n", names.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"{n.Key}={n.Value}"));
        lock (_namesIds)
        {
            if (!_namesIds.TryGetValue(key, out var id))
            {
                _namesIds.Add(key, id = _namesIds.Count + 1);
            }
            return ImageHash.Directory(id);
        }
    }

    private readonly int[] _directoryIds;
    /// <summary>Each directory id and the first directory state holding it.</summary>
    private readonly Dictionary<int, int> _directoryCreatedAt;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, ILookup<int, TreeEntry>> _children = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int Level, int CrashPointIndex, int Ordinal), IReadOnlyDictionary<string, int>> _resolvedNames = new();
    private readonly Dictionary<string, int> _namesIds = new(StringComparer.Ordinal);
    /// <summary>Renames between two directories: the directory state they made, and both directories' ids.</summary>
    private readonly List<(int Ordinal, int Source, int[] Targets)> _crossRenames = [];

    /// <summary>
    /// Walks the tree from the root: each directory's entries from its own state, so only what is
    /// reachable through named directories is in the image (a directory reached twice, through the old
    /// and the new name of a rename, is listed once).
    /// </summary>
    private IReadOnlyDictionary<string, int> ResolveNames(int level, int crashPointIndex, int ordinal)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var visited = new HashSet<int> { 0 };
        var pending = new Queue<(int Id, string Prefix)>([(0, "")]);
        while (pending.TryDequeue(out var directory))
        {
            var state = Math.Max(ordinal, GuaranteedNamesOf(level, directory.Id, crashPointIndex));
            foreach (var entry in ChildrenAt(state)[directory.Id])
            {
                if (entry.DirectoryId < 0)
                {
                    names.TryAdd(directory.Prefix + entry.Name, entry.InodeId);
                }
                else if (visited.Add(entry.DirectoryId) && names.TryAdd(directory.Prefix + entry.Name + "/", MemoryStorage.DirectoryEntryId))
                {
                    pending.Enqueue((entry.DirectoryId, directory.Prefix + entry.Name + "/"));
                }
            }
        }
        return names;
    }

    /// <summary>A directory state's entries by the directory holding them.</summary>
    private ILookup<int, TreeEntry> ChildrenAt(int ordinal) =>
        _children.GetOrAdd(ordinal, o => (_record.DirectoryTrees[o] ?? [.. _record.DirectoryNames(o).Select(n => new TreeEntry(0, n.Key, n.Value, -1))])
            .ToLookup(entry => entry.Parent));

    /// <summary>The id of the directory at <paramref name="path"/> ("" the root) in a directory state, or -1.</summary>
    private int DirectoryIdAt(int ordinal, string path)
    {
        var id = 0;
        foreach (var part in path.Length == 0 ? [] : path.Split('/'))
        {
            id = ChildrenAt(ordinal)[id].FirstOrDefault(entry => entry.Name == part && entry.DirectoryId >= 0, new TreeEntry(0, "", 0, -1)).DirectoryId;
            if (id < 0)
            {
                return -1;
            }
        }
        return id;
    }

    private static Dictionary<int, int> EveryDirectory(SimulationRecord record)
    {
        var createdAt = new Dictionary<int, int> { [0] = 0 };
        for (var ordinal = 0; ordinal < record.DirectoryTrees.Count; ordinal++)
        {
            foreach (var entry in record.DirectoryTrees[ordinal] ?? [])
            {
                if (entry.DirectoryId > 0)
                {
                    createdAt.TryAdd(entry.DirectoryId, ordinal);
                }
            }
        }
        return createdAt;
    }

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
        var hash = DirectoryHash(0, crashPointIndex, _record.DirectoryMemoryOrdinal(crashPointIndex));
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
        ApplyNameRules(call, crashPointIndex, memoryOrdinals);
        if (call is { Kind: CallKind.Rename, Outcome: CallOutcome.Returned, Path: { } source, TargetPath: { } target } && _record.HasSubdirectories)
        {
            var after = _record.DirectoryMemoryOrdinal(crashPointIndex + 1);
            var sourceParent = DirectoryIdAt(_record.DirectoryMemoryOrdinal(crashPointIndex), MemoryStorage.ParentOf(source));
            var targetParent = DirectoryIdAt(after, MemoryStorage.ParentOf(target));
            if (sourceParent != targetParent)
            {
                // The target directory and every directory above it: the chain the new name needs.
                var targets = new List<int> { targetParent };
                for (var path = MemoryStorage.ParentOf(target); path.Length > 0;)
                {
                    path = MemoryStorage.ParentOf(path);
                    targets.Add(DirectoryIdAt(after, path));
                }
                _crossRenames.Add((after, sourceParent, [.. targets.Where(id => id >= 0).Distinct()]));
            }
            return;
        }
        if (call.Kind == CallKind.FlushDirectory)
        {
            if (call.Outcome == CallOutcome.Returned)
            {
                GuaranteeDirectory(call.Path ?? "", crashPointIndex, Model.NamesLevel(ModelCalls.Of(call) ?? ModelCall.DirectoryFsync));
                HasEffect[crashPointIndex] = true;
            }
            return;
        }
        if (ModelCalls.Of(call) is not { } modelCall)
        {
            return;
        }
        var effect = Model.Effect(modelCall);
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
    /// An fsync of a directory guarantees its entries as they are in memory. A rename between two
    /// directories is one journal transaction on ext4: a file is never lost from both. So an fsync of
    /// the source directory, which makes the old name's removal durable, also guarantees the target
    /// directory the state that rename made, and every directory above the target that state too
    /// (the new directory chain: a target created since its parent's last fsync is committed with the
    /// rename, as a journal commits the mkdir before it); an fsync of the target alone leaves the old
    /// name possibly there too (the file under both names: conservative, never lost). This is the
    /// rule LossyFs states too: an object that had a durable name keeps one.
    /// </summary>
    private void GuaranteeDirectory(string path, int crashPointIndex, DurabilityLevel namesLevel)
    {
        var memoryOrdinal = _record.DirectoryMemoryOrdinal(crashPointIndex);
        var directoryId = path.Length == 0 ? 0 : DirectoryIdAt(memoryOrdinal, path);
        for (var level = 1; level <= (int)namesLevel; level++)
        {
            _levels[level].GuaranteeDirectory(crashPointIndex + 1, directoryId, memoryOrdinal);
            foreach (var (ordinal, source, targets) in _crossRenames)
            {
                if (ordinal <= memoryOrdinal && source == directoryId)
                {
                    foreach (var target in targets)
                    {
                        _levels[level].GuaranteeDirectory(crashPointIndex + 1, target, ordinal);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The flush's guarantee from the next crash point on; or, for a call an injected fault failed,
    /// its dirty pages marked clean unwritten: no later flush writes those versions (fsyncgate).
    /// </summary>
    private void Guarantee(RecordedCall call, FlushEffect effect, int crashPointIndex, IReadOnlyList<(long PageKey, int Ordinal)> pages,
                           int lengthOrdinal, Dictionary<long, int> memoryOrdinals, int inodeId = -1)
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
            HasEffect[crashPointIndex] |= _levels[level].GuaranteeLength(crashPointIndex + 1, inodeId < 0 ? call.InodeId : inodeId, lengthOrdinal);
        }
    }

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
            var metadataHash = owner.DirectoryHash(level, crashPointIndex, owner.GuaranteedDirectory(level, crashPointIndex));
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

        public void GuaranteeDirectory(int from, int directoryId, int ordinal)
        {
            if (!Directories.TryGetValue(directoryId, out var timeline))
            {
                Directories.Add(directoryId, timeline = []);
            }
            if (timeline.Count == 0 || ordinal > timeline[^1].Ordinal)
            {
                timeline.Add((from, ordinal));
            }
        }
    }
}
