namespace Writeback.Simulation.Model;

/// <summary>
/// Records a run over a <see cref="MemoryStorage"/>: every call <see cref="CallRecordingStorage"/>
/// observes, every new version of every page (stores through spans are found by comparing the
/// pages handed out as spans at each call), every length and every directory state.
/// </summary>
internal sealed class Recorder(MemoryStorage memory) : ICallObserver
{
    private readonly List<RecordedCall> _calls = [];
    private readonly List<InodeHistory> _histories = [];
    private readonly List<(int VisibleFrom, IReadOnlyDictionary<string, int> Names)> _directory =
        [(0, new Dictionary<string, int>(StringComparer.Ordinal))];
    private int _namesVersion;

    /// <summary>How many calls have been recorded: the index the next call will get.</summary>
    public int CallCount => _calls.Count;

    /// <summary>When set, recorded calls are described by this text instead of the API call's (a traced program's own call).</summary>
    public string? DescriptionOverride { get; set; }

    public void BeforeCall(in ObservedCall call)
    {
        DetectStores(_calls.Count);
        var inodeId = call.File is MemoryFile file ? file.Inode.Id : -1;
        _calls.Add(new RecordedCall(call.Kind, inodeId, DescriptionOverride ?? call.Description, call.OffsetBytes, call.LengthBytes, call.WholeFileSemantics));
    }

    public void AfterCall(in ObservedCall call)
    {
        var visibleFrom = _calls.Count;
        for (var inodeId = _histories.Count; inodeId < memory.Inodes.Count; inodeId++)
        {
            _histories.Add(new InodeHistory(inodeId, visibleFrom));
        }
        foreach (var history in _histories)
        {
            RecordLength(memory.Inodes[history.Id], history, visibleFrom);
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
            _directory.Add((visibleFrom, names));
        }
    }

    public void SpanTaken(IMappedFile file, long offsetBytes, int lengthBytes) =>
        AddPages(_histories[((MemoryFile)file).Inode.Id].Exposed, offsetBytes, lengthBytes);

    /// <summary>Ends the recording: cuts the versions visible after the last call and freezes everything.</summary>
    public SimulationRecord Finish(string scenarioName, Acknowledgements acknowledged)
    {
        DetectStores(_calls.Count);
        return new SimulationRecord(scenarioName, memory.PageSizeBytes, _calls, _histories, _directory, acknowledged);
    }

    /// <summary>A new length becomes a length version; what a shrink cut (and zeroed) becomes new page versions at the next call.</summary>
    private void RecordLength(Inode inode, InodeHistory history, int visibleFrom)
    {
        if (inode.TakeCutRange() is var (fromBytes, toBytes))
        {
            AddPages(history.Touched, fromBytes, toBytes - fromBytes);
        }
        if (history.Lengths[^1].LengthBytes != inode.LengthBytes)
        {
            history.Lengths.Add((visibleFrom, inode.LengthBytes));
        }
    }

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

    private void CutVersion(Inode inode, InodeHistory history, int pageIndex, int visibleFrom)
    {
        var memoryBytes = inode.Memory!;
        var pageSizeBytes = memory.PageSizeBytes;
        var start = pageIndex * pageSizeBytes;
        if (start + pageSizeBytes > memoryBytes.Length)
        {
            return;
        }
        var current = memoryBytes.AsSpan(start, pageSizeBytes);
        var last = history.LastVersion(pageIndex);
        if (last is null ? !current.ContainsAnyExcept((byte)0) : current.SequenceEqual(last.Bytes))
        {
            return;
        }
        var versions = history.Versions;
        while (versions.Count <= pageIndex)
        {
            versions.Add(null);
        }
        (versions[pageIndex] ??= []).Add(new PageVersion(current.ToArray(), visibleFrom));
    }
}
