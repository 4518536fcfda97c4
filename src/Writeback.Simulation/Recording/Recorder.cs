using Writeback.Simulation.Kernel;
using Writeback.Simulation.Storage;
namespace Writeback.Simulation.Recording;

/// <summary>
/// Records a run over a <see cref="MemoryStorage"/>: every call <see cref="CallRecordingStorage"/>
/// observes, every new version of every page (stores through spans are found by comparing the
/// pages handed out as spans at each call), every length and every directory state.
/// </summary>
internal sealed class Recorder(MemoryStorage memory, StorageFaults? faults = null) : ICallObserver
{
    private readonly List<RecordedCall> _calls = [];
    private readonly Dictionary<object, int> _flushAsyncStarts = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<int> _failingDurabilityCalls = [.. faults?.FailingCalls ?? []];
    private readonly HashSet<Exception> _injected = new(ReferenceEqualityComparer.Instance);
    private int _durabilityCallCount;
    private readonly List<InodeHistory> _histories = [];
    private readonly List<(int VisibleFrom, IReadOnlyDictionary<string, int> Names)> _directory =
        [(0, new Dictionary<string, int>(StringComparer.Ordinal))];
    private int _namesVersion;
    private readonly List<TreeEntry[]?> _trees = [null];
    private byte[]? _zeroPage;

    /// <summary>Whether a subdirectory ever existed: names are then durable per directory (<see cref="ModelTimeline"/>).</summary>
    public bool HasSubdirectories { get; private set; }

    /// <summary>How many calls have been recorded: the index the next call will get.</summary>
    public int CallCount => _calls.Count;

    /// <summary>When set, recorded calls are described by this text instead of the API call's (a traced program's own call).</summary>
    public string? DescriptionOverride { get; set; }

    /// <summary>When set, recorded calls have this model call's effect instead of the API call's (a traced program's fdatasync, O_DSYNC write, sync).</summary>
    public ModelCall? ModelCallOverride { get; set; }

    /// <summary>The last recorded call in words, or null.</summary>
    public string? LastCallDescription => _calls.Count == 0 ? null : _calls[^1].Description;

    /// <summary>Whether <paramref name="failure"/> is an injected failure or a poisoned file's repeat of one.</summary>
    public bool IsInjectedFailure(WritebackException failure) =>
        _injected.Contains(failure) || failure.InnerException is WritebackException original && _injected.Contains(original);

    /// <summary>The durability calls (<see cref="StorageFaults.IsDurabilityCall"/>) made so far.</summary>
    public int DurabilityCallCount => _durabilityCallCount;

    public void BeforeCall(in ObservedCall call)
    {
        DetectStores(_calls.Count);
        var file = call.File as MemoryFile;
        var startedAt = -1;
        if (call.Kind == CallKind.FlushAsync)
        {
            _flushAsyncStarts[call.Operation!] = _calls.Count;
        }
        else if (call.Kind == CallKind.FlushAsyncCompleted)
        {
            _flushAsyncStarts.Remove(call.Operation!, out startedAt);
        }
        if (StorageFaults.IsDurabilityCall(call.Kind) && _failingDurabilityCalls.Contains(_durabilityCallCount++))
        {
            // The call fails with the injected errno once its arguments are checked (MemoryFile).
            var errno = (int)faults!.Errno;
            if (file is null)
            {
                memory.ArmDirectoryFailure(errno);
            }
            else
            {
                file.ArmFailure(errno);
            }
        }
        _calls.Add(new RecordedCall(call.Kind, file?.Inode.Id ?? -1, DescriptionOverride ?? call.Description, call.OffsetBytes, call.LengthBytes,
                                    call.WholeFileSemantics, startedAt)
                   { Path = call.Path, TargetPath = call.TargetPath, ModelCall = ModelCallOverride });
    }

    public void AfterCall(in ObservedCall call, Exception? error)
    {
        var callIndex = _calls.Count - 1;
        if (error is not null)
        {
            var injected = call.File is MemoryFile failed ? failed.IsInjectedFailure(error) : memory.IsInjectedDirectoryFailure(error);
            if (injected)
            {
                _injected.Add(error);
            }
            _calls[callIndex] = _calls[callIndex] with { Outcome = injected ? CallOutcome.Failed : CallOutcome.Threw };
        }
        (call.File as MemoryFile)?.Disarm();
        memory.DisarmDirectory();
        var visibleFrom = _calls.Count;
        for (var inodeId = _histories.Count; inodeId < memory.Inodes.Count; inodeId++)
        {
            _histories.Add(new InodeHistory(inodeId, visibleFrom));
        }
        foreach (var history in _histories)
        {
            RecordLengths(memory.Inodes[history.Id], history, visibleFrom);
        }
        if (call is { Kind: CallKind.Write, File: MemoryFile written })
        {
            AddPages(_histories[written.Inode.Id].Touched, call.OffsetBytes, call.LengthBytes);
        }
        if (memory.NamesVersion != _namesVersion)
        {
            _namesVersion = memory.NamesVersion;
            var names = new Dictionary<string, int>(memory.Names.Count, StringComparer.Ordinal);
            foreach (var (name, inode) in memory.Names)
            {
                names.Add(name, inode.Id);
            }
            HasSubdirectories |= memory.Directories.Count > 0;
            foreach (var directory in memory.Directories.Keys)
            {
                names.Add(directory + "/", MemoryStorage.DirectoryEntryId);
            }
            _directory.Add((visibleFrom, names));
            _trees.Add(HasSubdirectories ? Tree() : null);
        }
    }

    /// <summary>The directory state as entries per directory (only once a subdirectory has existed).</summary>
    private TreeEntry[] Tree()
    {
        var directories = memory.Directories;
        int IdOf(string path) => path.Length == 0 ? 0 : directories[path];
        var entries = new List<TreeEntry>(memory.Names.Count + directories.Count);
        foreach (var (name, inode) in memory.Names)
        {
            entries.Add(new TreeEntry(IdOf(MemoryStorage.ParentOf(name)), name[(name.LastIndexOf('/') + 1)..], inode.Id, -1));
        }
        foreach (var (path, id) in directories)
        {
            entries.Add(new TreeEntry(IdOf(MemoryStorage.ParentOf(path)), path[(path.LastIndexOf('/') + 1)..], MemoryStorage.DirectoryEntryId, id));
        }
        return [.. entries];
    }

    public void SpanTaken(IMappedFile file, long offsetBytes, int lengthBytes) =>
        AddPages(_histories[((MemoryFile)file).Inode.Id].Exposed, offsetBytes, lengthBytes);

    /// <summary>Ends the recording: cuts the versions visible after the last call and freezes everything.</summary>
    /// <summary>How many calls set up the initial state (<see cref="SimulatedStorage.EndSetup"/>): crash points before them are not explored.</summary>
    public int SetupCallCount { get; set; }

    public SimulationRecord Finish(string scenarioName, Acknowledgements acknowledged)
    {
        DetectStores(_calls.Count);
        var record = new SimulationRecord(scenarioName, memory.PageSizeBytes, _calls, _histories, _directory, acknowledged)
        {
            DurabilityCallCount = _durabilityCallCount,
            FirstExploredCrashPoint = SetupCallCount,
            HasSubdirectories = HasSubdirectories,
            DirectoryTrees = _trees,
            InjectedFaultPlan = faults is { FailingCalls.Count: > 0 } ? faults : null,
        };
        memory.Release();
        return record;
    }

    /// <summary>
    /// Each length set during the call becomes a length version. A shrink drops the whole pages it
    /// cuts from the page cache without writing them back (truncate(2)): each gets a cut version
    /// (zeros) that belongs to that length version; the zeroed tail of a partly cut page is an
    /// ordinary store, found at the next call.
    /// </summary>
    private void RecordLengths(Inode inode, InodeHistory history, int visibleFrom)
    {
        var pageSizeBytes = memory.PageSizeBytes;
        foreach (var (lengthBytes, cutEndBytes) in inode.TakeLengthChanges())
        {
            var oldLengthBytes = history.Lengths[^1].LengthBytes;
            if (oldLengthBytes == lengthBytes)
            {
                continue;
            }
            history.Lengths.Add((visibleFrom, lengthBytes));
            if (lengthBytes >= oldLengthBytes)
            {
                continue;
            }
            if (lengthBytes % pageSizeBytes != 0)
            {
                AddPages(history.Touched, lengthBytes, 1);
            }
            var firstCutPage = (int)Pages.CountOf(lengthBytes, pageSizeBytes);
            var lastCutPage = (int)Pages.CountOf(Math.Min(cutEndBytes, oldLengthBytes), pageSizeBytes) - 1;
            for (var pageIndex = firstCutPage; pageIndex <= lastCutPage; pageIndex++)
            {
                history.AddVersion(pageIndex, new PageVersion(ZeroPage, visibleFrom, history.Lengths.Count - 1));
                history.Touched.Remove(pageIndex);
            }
        }
    }

    private byte[] ZeroPage => _zeroPage ??= new byte[memory.PageSizeBytes];

    /// <summary>Adds every page the byte range touches to <paramref name="pageIndexes"/>; nothing for an empty range.</summary>
    private void AddPages(HashSet<int> pageIndexes, long offsetBytes, long lengthBytes)
    {
        if (lengthBytes <= 0 || offsetBytes < 0)
        {
            return;
        }
        var pageSizeBytes = memory.PageSizeBytes;
        for (var pageIndex = (int)(offsetBytes / pageSizeBytes); pageIndex <= (int)((offsetBytes + lengthBytes - 1) / pageSizeBytes); pageIndex++)
        {
            pageIndexes.Add(pageIndex);
        }
    }

    private void DetectStores(int visibleFrom)
    {
        foreach (var history in _histories)
        {
            if (history.Touched.Count == 0 && history.Exposed.Count == 0)
            {
                continue;
            }
            var inode = memory.Inodes[history.Id];
            foreach (var pageIndex in history.Touched)
            {
                CutVersion(inode, history, pageIndex, visibleFrom);
            }
            foreach (var pageIndex in history.Exposed)
            {
                if (!history.Touched.Contains(pageIndex))
                {
                    CutVersion(inode, history, pageIndex, visibleFrom);
                }
            }
            history.Touched.Clear();
        }
    }

    private static void CutVersion(Inode inode, InodeHistory history, int pageIndex, int visibleFrom)
    {
        var current = inode.Page(pageIndex);
        var last = history.LastVersion(pageIndex);
        if (last is null ? !current.ContainsAnyExcept((byte)0) : current.SequenceEqual(last.Bytes))
        {
            return;
        }
        history.AddVersion(pageIndex, new PageVersion(current.ToArray(), visibleFrom));
    }
}
