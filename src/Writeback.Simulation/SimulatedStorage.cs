using Writeback.Simulation.Model;

namespace Writeback.Simulation;

/// <summary>
/// An in-memory <see cref="IMappedStorage"/> that records every persistence-relevant call with the
/// page versions at that moment, so that <see cref="CrashExplorer"/> can derive every post-crash
/// image a <see cref="KernelModel"/> allows. The checker also reads post-crash images through it.
/// </summary>
/// <remarks>
/// <para>Recorded calls: <see cref="Open"/>, <see cref="Delete"/>, <see cref="Rename"/>,
/// <see cref="FlushDirectory"/>, and on files <c>Write</c>, <c>SetLength</c>, <c>Flush(offset, length)</c>,
/// <c>Flush()</c>, <c>FlushFile</c>, <c>StartWriteback</c> and <c>FlushAsync</c>. Reads, spans,
/// <see cref="Exists"/> and <c>Dispose</c> are not calls. A call is recorded before its arguments are checked, so a call
/// that throws is still recorded (and guarantees nothing), exactly as <see cref="CallLimitedStorage"/> counts it.</para>
/// <para>Crash point <c>i</c> is the moment just before recorded call <c>i</c> executes: its memory holds
/// every store made so far, including stores through spans, which are detected by comparing the
/// pages handed out as spans at each call. Crash point <c>N</c> (the call count) is after the last call.</para>
/// <para>A file's memory is reserved up to <see cref="MappedFileOptions.MaxLength"/> at open; growing
/// beyond it moves the memory, and spans taken earlier no longer reach the file.</para>
/// </remarks>
public sealed class SimulatedStorage : IMappedStorage
{
    private readonly IImageSource? _image;
    private readonly Dictionary<string, Inode> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Inode> _imageInodes = [];
    private readonly List<Inode> _inodes = [];
    private readonly List<RecordedCall>? _calls;
    private readonly List<(int VisibleFrom, IReadOnlyDictionary<string, int> Names)>? _directory;
    private bool _imageNamesCopied;
    private int _nextInodeId;

    /// <summary>Creates an empty storage that records the calls made on it.</summary>
    /// <param name="pageSizeBytes">The simulated page size, a power of two of at least 512. Default 4096.</param>
    public SimulatedStorage(int pageSizeBytes = 4096)
    {
        if (pageSizeBytes < 512 || !int.IsPow2(pageSizeBytes))
        {
            throw new ArgumentOutOfRangeException(nameof(pageSizeBytes), pageSizeBytes, "The page size must be a power of two of at least 512 bytes.");
        }
        PageSizeBytes = pageSizeBytes;
        _calls = [];
        _directory = [(0, new Dictionary<string, int>(StringComparer.Ordinal))];
    }

    /// <summary>Opens a post-crash image for a checker: nothing is recorded, writes go to a private copy.</summary>
    internal SimulatedStorage(IImageSource image)
    {
        _image = image;
        PageSizeBytes = image.PageSizeBytes;
    }

    /// <summary>The simulated page size in bytes.</summary>
    public int PageSizeBytes { get; }

    /// <summary>How many calls have been recorded so far: the index the next call will get.</summary>
    public int CallCount => _calls?.Count ?? 0;

    internal bool IsRecording => _calls is not null;

    /// <inheritdoc/>
    public IMappedFile Open(string name, MappedFileOptions? options = null)
    {
        options ??= new MappedFileOptions();
        BeginCall(CallKind.Open, -1, CallText.Open(name, options.Mode), 0, 0, false);
        ValidateName(name);
        var inode = Lookup(name);
        switch (options.Mode)
        {
            case FileMode.CreateNew when inode is not null:
                throw new IOException($"open('{name}', CreateNew) failed: EEXIST (File exists)");
            case FileMode.Open or FileMode.Truncate when inode is null:
                throw new FileNotFoundException($"open('{name}', {options.Mode}) failed: ENOENT (No such file or directory)", name);
            case FileMode.Append:
                throw new ArgumentException("FileMode.Append is not supported for mapped files.", nameof(options));
        }
        if (inode is null)
        {
            inode = NewInode();
            SetName(name, inode);
        }
        else if (options.Mode is FileMode.Create or FileMode.Truncate)
        {
            ChangeLength(inode, 0);
        }
        if (options.Length is { } lengthBytes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(lengthBytes, nameof(options.Length));
            ChangeLength(inode, lengthBytes);
        }
        if (options.MaxLength is { } maxLengthBytes && maxLengthBytes > inode.LengthBytes)
        {
            inode.EnsureCapacity(maxLengthBytes);
        }
        return new SimulatedFile(this, inode, name, options);
    }

    /// <inheritdoc/>
    public bool Exists(string name)
    {
        ValidateName(name);
        return Lookup(name) is not null;
    }

    /// <inheritdoc/>
    public void Delete(string name)
    {
        BeginCall(CallKind.Delete, -1, CallText.Delete(name), 0, 0, false);
        ValidateName(name);
        if (Lookup(name) is null)
        {
            throw new FileNotFoundException($"unlink('{name}') failed: ENOENT (No such file or directory)", name);
        }
        CopyImageNames();
        _names.Remove(name);
        RecordDirectory();
    }

    /// <inheritdoc/>
    public void Rename(string sourceName, string targetName)
    {
        BeginCall(CallKind.Rename, -1, CallText.Rename(sourceName, targetName), 0, 0, false);
        ValidateName(sourceName);
        ValidateName(targetName);
        var inode = Lookup(sourceName)
            ?? throw new FileNotFoundException($"rename('{sourceName}', '{targetName}') failed: ENOENT (No such file or directory)", sourceName);
        CopyImageNames();
        _names.Remove(sourceName);
        _names[targetName] = inode;
        RecordDirectory();
    }

    /// <inheritdoc/>
    public void FlushDirectory() => BeginCall(CallKind.FlushDirectory, -1, CallText.FlushDirectory, 0, 0, false);

    /// <summary>Records a file call: detects stores made through spans since the last call, then appends the call.</summary>
    internal void BeginCall(CallKind kind, int inodeId, string description, long offsetBytes, long lengthBytes, bool wholeFileSemantics)
    {
        if (_calls is null)
        {
            return;
        }
        DetectStores(_calls.Count);
        _calls.Add(new RecordedCall(kind, inodeId, description, offsetBytes, lengthBytes, wholeFileSemantics));
    }

    /// <summary>Changes a file's length; zeroes what is cut so a later growth reads zeros, as the kernel does.</summary>
    internal void ChangeLength(Inode inode, long lengthBytes)
    {
        var memory = inode.Materialize();
        var oldLengthBytes = inode.LengthBytes;
        if (lengthBytes < oldLengthBytes)
        {
            var oldEndBytes = inode.PageCount * PageSizeBytes;
            memory.AsSpan((int)lengthBytes, (int)(oldEndBytes - lengthBytes)).Clear();
            MarkTouched(inode, lengthBytes, oldEndBytes - lengthBytes);
        }
        else
        {
            inode.EnsureCapacity(lengthBytes);
        }
        inode.LengthBytes = lengthBytes;
        inode.Lengths?.Add((CallCount, lengthBytes));
    }

    /// <summary>Notes that bytes of <paramref name="inode"/> changed through the API; versions are cut at the next call.</summary>
    internal void MarkTouched(Inode inode, long offsetBytes, long lengthBytes) => AddPages(inode.Touched, offsetBytes, lengthBytes);

    /// <summary>Notes that a writable span covers these bytes: they are compared at every later call.</summary>
    internal void MarkExposed(Inode inode, long offsetBytes, int lengthBytes) => AddPages(inode.Exposed, offsetBytes, lengthBytes);

    /// <summary>Adds every page the byte range touches to <paramref name="pageIndexes"/>; nothing for an image's inode (null) or an empty range.</summary>
    private void AddPages(HashSet<int>? pageIndexes, long offsetBytes, long lengthBytes)
    {
        if (pageIndexes is null || lengthBytes <= 0)
        {
            return;
        }
        for (var pageIndex = (int)(offsetBytes / PageSizeBytes); pageIndex <= (int)((offsetBytes + lengthBytes - 1) / PageSizeBytes); pageIndex++)
        {
            pageIndexes.Add(pageIndex);
        }
    }

    /// <summary>Ends the recording: cuts the versions visible after the last call and freezes everything.</summary>
    internal SimulationRecord Finish(string scenarioName, Acknowledgements acknowledged)
    {
        if (_calls is null)
        {
            throw new InvalidOperationException("Only a recording storage can be finished.");
        }
        DetectStores(_calls.Count);
        return new SimulationRecord(scenarioName, PageSizeBytes, _calls, _inodes, _directory!, acknowledged);
    }

    /// <summary>Returns rented memory of an image's files to the pool.</summary>
    internal void ReleaseImage()
    {
        foreach (var inode in _imageInodes.Values)
        {
            inode.ReturnMemory();
        }
        foreach (var inode in _inodes)
        {
            inode.ReturnMemory();
        }
    }

    private void DetectStores(int visibleFrom)
    {
        foreach (var inode in _inodes)
        {
            if (inode.Touched!.Count == 0 && inode.Exposed!.Count == 0)
            {
                continue;
            }
            foreach (var pageIndex in inode.Touched)
            {
                CutVersion(inode, pageIndex, visibleFrom);
            }
            foreach (var pageIndex in inode.Exposed!)
            {
                if (!inode.Touched.Contains(pageIndex))
                {
                    CutVersion(inode, pageIndex, visibleFrom);
                }
            }
            inode.Touched.Clear();
        }
    }

    private void CutVersion(Inode inode, int pageIndex, int visibleFrom)
    {
        var memory = inode.Memory!;
        var start = pageIndex * PageSizeBytes;
        if (start + PageSizeBytes > memory.Length)
        {
            return;
        }
        var current = memory.AsSpan(start, PageSizeBytes);
        var last = inode.LastVersion(pageIndex);
        if (last is null ? !current.ContainsAnyExcept((byte)0) : current.SequenceEqual(last.Bytes))
        {
            return;
        }
        var versions = inode.Versions!;
        while (versions.Count <= pageIndex)
        {
            versions.Add(null);
        }
        (versions[pageIndex] ??= []).Add(new PageVersion(current.ToArray(), visibleFrom));
    }

    private Inode NewInode()
    {
        Inode inode;
        if (_image is null)
        {
            inode = new Inode(_nextInodeId++, PageSizeBytes, CallCount, recording: true);
        }
        else
        {
            // Files the checker creates get ids that cannot collide with the image's.
            inode = new Inode(int.MaxValue - _nextInodeId++, PageSizeBytes, 0, recording: false);
        }
        _inodes.Add(inode);
        return inode;
    }

    private Inode? Lookup(string name)
    {
        if (_names.TryGetValue(name, out var inode))
        {
            return inode;
        }
        if (_image is null || _imageNamesCopied || !_image.Names.TryGetValue(name, out var inodeId))
        {
            return null;
        }
        return ImageInode(inodeId);
    }

    private Inode ImageInode(int inodeId)
    {
        if (!_imageInodes.TryGetValue(inodeId, out var inode))
        {
            var image = _image!;
            inode = new Inode(inodeId, PageSizeBytes, image.LengthOf(inodeId), pageIndex => image.Page(inodeId, pageIndex));
            _imageInodes.Add(inodeId, inode);
        }
        return inode;
    }

    private void SetName(string name, Inode inode)
    {
        CopyImageNames();
        _names[name] = inode;
        RecordDirectory();
    }

    /// <summary>Before the checker changes a name in an image, the image's names become this storage's own.</summary>
    private void CopyImageNames()
    {
        if (_image is null || _imageNamesCopied)
        {
            return;
        }
        foreach (var (name, inodeId) in _image.Names)
        {
            _names.TryAdd(name, ImageInode(inodeId));
        }
        _imageNamesCopied = true;
    }

    private void RecordDirectory()
    {
        if (_directory is null)
        {
            return;
        }
        var names = new Dictionary<string, int>(_names.Count, StringComparer.Ordinal);
        foreach (var (name, inode) in _names)
        {
            names.Add(name, inode.Id);
        }
        _directory.Add((CallCount, names));
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/') || name.Contains('\0') || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a file name: names in a storage have no directory part.", nameof(name));
        }
    }
}
