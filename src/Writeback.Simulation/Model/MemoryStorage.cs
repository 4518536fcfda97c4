namespace Writeback.Simulation.Model;

/// <summary>
/// The in-memory store under the simulator: names pointing at <see cref="Inode"/>s, files that
/// behave as <see cref="MappedFile"/> does, and no notion of durability. A recording wraps it in
/// <see cref="CallRecordingStorage"/>; a checker reads a post-crash image through <see cref="OverImage"/>.
/// </summary>
internal sealed class MemoryStorage : IMappedStorage
{
    private readonly Dictionary<string, Inode> _names = new(StringComparer.Ordinal);
    private readonly List<Inode> _inodes = [];
    private const int Eexist = 17;
    private int _nextInodeId;
    private int? _armedDirectoryErrno;
    private WritebackException? _directoryFailure;

    public MemoryStorage(int pageSizeBytes) => PageSizeBytes = pageSizeBytes;

    public int PageSizeBytes { get; }

    /// <summary>Every file ever created here (post-crash views: the image's files first), in creation order.</summary>
    public IReadOnlyList<Inode> Inodes => _inodes;

    /// <summary>The names and the files they point at.</summary>
    public IReadOnlyDictionary<string, Inode> Names => _names;

    /// <summary>Incremented at every change of <see cref="Names"/>.</summary>
    public int NamesVersion { get; private set; }

    /// <summary>
    /// A post-crash view: the image's names and files, whose pages are read from the image's
    /// immutable versions and copied only when written (or read through a span across pages).
    /// </summary>
    public static MemoryStorage OverImage(IImageSource image)
    {
        var storage = new MemoryStorage(image.PageSizeBytes);
        var byId = new Dictionary<int, Inode>();
        foreach (var (name, inodeId) in image.Names)
        {
            if (!byId.TryGetValue(inodeId, out var inode))
            {
                inode = new Inode(inodeId, image.PageSizeBytes, image.LengthOf(inodeId), pageIndex => image.Page(inodeId, pageIndex));
                byId.Add(inodeId, inode);
                storage._inodes.Add(inode);
                storage._nextInodeId = Math.Max(storage._nextInodeId, inodeId + 1);
            }
            storage._names.Add(name, inode);
        }
        return storage;
    }

    public IMappedFile Open(string name, MappedFileOptions? options = null)
    {
        options ??= new MappedFileOptions();
        ValidateName(name);
        MappedFile.ValidateOptions(options); // the same checks, exceptions and messages as MappedFile.Open
        _names.TryGetValue(name, out var inode);
        switch (options.Mode)
        {
            case FileMode.CreateNew when inode is not null:
                throw new WritebackException("open", name, null, null, Eexist); // as MappedFile: open(2) with O_EXCL
            case FileMode.Open or FileMode.Truncate when inode is null:
                throw new FileNotFoundException($"open('{name}', {options.Mode}) failed: ENOENT (No such file or directory)", name);
        }
        if (inode is null)
        {
            inode = new Inode(_nextInodeId++, PageSizeBytes);
            _inodes.Add(inode);
            SetName(name, inode);
        }
        else if (options.Mode is FileMode.Create or FileMode.Truncate)
        {
            inode.ChangeLength(0);
        }
        if (options.Length is { } lengthBytes)
        {
            inode.ChangeLength(lengthBytes);
        }
        // As MappedFile: address space up to MaxLength (default: the larger of the length and 1 GiB) is reserved at open.
        var currentBytes = inode.LengthBytes;
        if (options.MaxLength is { } maxLength && maxLength < currentBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxLength,
                $"MappedFileOptions.MaxLength ({maxLength}) is below the length of '{name}' ({currentBytes} bytes).");
        }
        var reservedBytes = RoundUpToPage(Math.Max(currentBytes, options.MaxLength ?? Math.Max(currentBytes, MappedFile.DefaultMaxLength)));
        inode.Reserve(reservedBytes);
        return new MemoryFile(inode, name, options, PageSizeBytes, reservedBytes);
    }

    public bool Exists(string name)
    {
        ValidateName(name);
        return _names.ContainsKey(name);
    }

    public void Delete(string name)
    {
        ValidateName(name);
        if (!_names.Remove(name))
        {
            throw new FileNotFoundException($"unlink('{name}') failed: ENOENT (No such file or directory)", name);
        }
        NamesVersion++;
    }

    public void Rename(string sourceName, string targetName)
    {
        ValidateName(sourceName);
        ValidateName(targetName);
        if (!_names.Remove(sourceName, out var inode))
        {
            throw new FileNotFoundException($"rename('{sourceName}', '{targetName}') failed: ENOENT (No such file or directory)", sourceName);
        }
        SetName(targetName, inode);
    }

    /// <summary>Nothing to do in memory (what a directory flush guarantees is decided by the model from the record), unless a fault is armed.</summary>
    public void FlushDirectory()
    {
        if (_armedDirectoryErrno is { } errno)
        {
            _armedDirectoryErrno = null;
            _directoryFailure = new WritebackException("fsync", ".", null, null, errno);
            throw _directoryFailure;
        }
    }

    /// <summary>The next <see cref="FlushDirectory"/> fails with <paramref name="errno"/>.</summary>
    public void ArmDirectoryFailure(int errno) => _armedDirectoryErrno = errno;

    /// <summary>Forgets an armed directory failure no call used.</summary>
    public void DisarmDirectory() => _armedDirectoryErrno = null;

    /// <summary>Whether <paramref name="error"/> is an injected directory failure.</summary>
    public bool IsInjectedDirectoryFailure(Exception error) => ReferenceEquals(error, _directoryFailure);

    /// <summary>Returns rented memory of a post-crash view's files to the pool.</summary>
    public void Release()
    {
        foreach (var inode in _inodes)
        {
            inode.Release();
        }
    }

    private void SetName(string name, Inode inode)
    {
        _names[name] = inode;
        NamesVersion++;
    }

    private long RoundUpToPage(long bytes) => (bytes + PageSizeBytes - 1) & ~(long)(PageSizeBytes - 1);

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/') || name.Contains('\0') || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a file name: names in a storage have no directory part.", nameof(name));
        }
    }
}
