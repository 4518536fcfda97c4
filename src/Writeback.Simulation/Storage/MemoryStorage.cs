using Writeback.Simulation.Exploration;
using Writeback.Simulation.Recording;
namespace Writeback.Simulation.Storage;

/// <summary>
/// The in-memory store under the simulator: names pointing at <see cref="Inode"/>s, files that
/// behave as <see cref="MappedFile"/> does, and no notion of durability. A recording wraps it in
/// <see cref="CallRecordingStorage"/>; a checker reads a post-crash image through <see cref="OverImage"/>.
/// </summary>
internal sealed class MemoryStorage : ISubdirectoryStorage
{
    private readonly Dictionary<string, Inode> _names = new(StringComparer.Ordinal);
    private readonly List<Inode> _inodes = [];
    private readonly Dictionary<string, int> _directories = new(StringComparer.Ordinal);
    private int _nextDirectoryId = 1;
    private const int Eexist = 17;
    private const int Enoent = 2;
    private const int Enotempty = 39;
    private const int Enotdir = 20;
    private const int Eisdir = 21;
    private int _nextInodeId;
    private int? _armedDirectoryErrno;
    private WritebackException? _directoryFailure;

    public MemoryStorage(int pageSizeBytes) => PageSizeBytes = pageSizeBytes;

    public int PageSizeBytes { get; }

    /// <summary>Every file ever created here (post-crash views: the image's files first), in creation order.</summary>
    public IReadOnlyList<Inode> Inodes => _inodes;

    /// <summary>The names and the files they point at.</summary>
    public IReadOnlyDictionary<string, Inode> Names => _names;

    /// <summary>The subdirectories (paths relative to the root, without a trailing '/') and their ids; the root (id 0) is not listed.</summary>
    public IReadOnlyDictionary<string, int> Directories => _directories;

    /// <summary>Incremented at every change of <see cref="Names"/> or <see cref="Directories"/>.</summary>
    public int NamesVersion { get; private set; }

    /// <summary>
    /// A post-crash view: the image's names and files, whose pages are read from the image's
    /// immutable versions and copied only when written (or read through a span across pages).
    /// </summary>
    public static MemoryStorage OverImage(IImageSource image)
    {
        var storage = new MemoryStorage(image.PageSizeBytes);
        Dictionary<int, Inode>? byId = null;
        if (image.Names is Dictionary<string, int> names)
        {
            foreach ((string name, int inodeId) in names) // the dictionary's own enumerator: nothing boxed per view
            {
                storage.AddImageName(image, name, inodeId, ref byId);
            }
        }
        else
        {
            foreach ((string name, int inodeId) in image.Names)
            {
                storage.AddImageName(image, name, inodeId, ref byId);
            }
        }
        return storage;
    }

    /// <summary>
    /// One name of a post-crash image: a directory, or a name of a file (the first name of a file
    /// creates its inode). Files are found by a scan while there are few (most images: no table to
    /// allocate per checked state), then through <paramref name="byId"/>.
    /// </summary>
    private void AddImageName(IImageSource image, string name, int inodeId, ref Dictionary<int, Inode>? byId)
    {
        if (inodeId == DirectoryEntryId)
        {
            _directories.Add(name[..^1], _nextDirectoryId++);
            return;
        }
        if (byId is null && _inodes.Count >= 8)
        {
            byId = _inodes.ToDictionary(existing => existing.Id);
        }
        Inode? inode = byId is null ? ScanInodes(inodeId) : byId.GetValueOrDefault(inodeId);
        if (inode is null)
        {
            inode = new Inode(image, inodeId);
            _inodes.Add(inode);
            byId?.Add(inodeId, inode);
            _nextInodeId = Math.Max(_nextInodeId, inodeId + 1);
        }
        _names.Add(name, inode);
    }

    private Inode? ScanInodes(int inodeId)
    {
        foreach (Inode inode in _inodes)
        {
            if (inode.Id == inodeId)
            {
                return inode;
            }
        }
        return null;
    }

    public IMappedFile Open(string name, MappedFileOptions? options = null)
    {
        options ??= new MappedFileOptions();
        ValidateName(name);
        MappedFile.ValidateOptions(options); // the same checks, exceptions and messages as MappedFile.Open
        _names.TryGetValue(name, out Inode? inode);
        switch (options.Mode)
        {
            case FileMode.CreateNew when inode is not null:
                throw new WritebackException("open", name, null, null, Eexist); // as MappedFile: open(2) with O_EXCL
            case FileMode.Open or FileMode.Truncate when inode is null:
                throw new FileNotFoundException($"open('{name}', {options.Mode}) failed: ENOENT (No such file or directory)", name);
        }
        if (inode is null)
        {
            RequireParent("open", name);
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
        long currentBytes = inode.LengthBytes;
        if (options.MaxLength is { } maxLength && maxLength < currentBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxLength,
                $"MappedFileOptions.MaxLength ({maxLength}) is below the length of '{name}' ({currentBytes} bytes).");
        }
        long reservedBytes = RoundUpToPage(Math.Max(currentBytes, options.MaxLength ?? Math.Max(currentBytes, MappedFile.DefaultMaxLength)));
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
        if (_directories.ContainsKey(sourceName))
        {
            RenameDirectory(sourceName, targetName);
            return;
        }
        if (!_names.ContainsKey(sourceName))
        {
            throw new FileNotFoundException($"rename('{sourceName}', '{targetName}') failed: ENOENT (No such file or directory)", sourceName);
        }
        RequireParent("rename", targetName);
        if (_directories.ContainsKey(targetName))
        {
            throw new WritebackException("rename", targetName, null, null, Eisdir);
        }
        _names.Remove(sourceName, out Inode? inode);
        SetName(targetName, inode!);
    }

    /// <summary>
    /// link(2): <paramref name="targetName"/> becomes a second name of the file (inode) at
    /// <paramref name="sourceName"/>. Like any name, it is durable once its directory is flushed; the
    /// file's data is the same inode's, durable as for any file.
    /// </summary>
    public void Link(string sourceName, string targetName)
    {
        ValidateName(sourceName);
        ValidateName(targetName);
        if (!_names.TryGetValue(sourceName, out Inode? inode))
        {
            throw new FileNotFoundException($"link('{sourceName}', '{targetName}') failed: ENOENT (No such file or directory)", sourceName);
        }
        RequireParent("link", targetName);
        if (_names.ContainsKey(targetName) || _directories.ContainsKey(targetName))
        {
            throw new WritebackException("link", targetName, null, null, Eexist);
        }
        SetName(targetName, inode);
    }

    /// <summary>Nothing to do in memory (what a directory flush guarantees is decided by the model from the record), unless a fault is armed.</summary>
    public void FlushDirectory() => FlushDirectory("");

    /// <summary>
    /// The key a directory has in a names snapshot (<see cref="Recorder"/>): its path and a trailing '/'
    /// mapped to <see cref="DirectoryEntryId"/>, so a snapshot holds the whole tree.
    /// </summary>
    public const int DirectoryEntryId = -1;

    /// <summary>The parent directory of a path ("" for the root), the part before its last '/'.</summary>
    public static string ParentOf(string path)
    {
        string trimmed = path.EndsWith('/') ? path[..^1] : path;
        int slash = trimmed.LastIndexOf('/');
        return slash < 0 ? "" : trimmed[..slash];
    }

    /// <summary>fsync(2) of a directory ("" is the root); what it guarantees is decided by the model from the record.</summary>
    public void FlushDirectory(string path)
    {
        if (path.Length > 0)
        {
            RequireDirectory("fsync", path);
        }
        if (_armedDirectoryErrno is { } errno)
        {
            _armedDirectoryErrno = null;
            _directoryFailure = new WritebackException("fsync", path.Length == 0 ? "." : path, null, null, errno);
            throw _directoryFailure;
        }
    }

    /// <summary>mkdir(2): a new empty directory whose parent exists.</summary>
    public void CreateDirectory(string path)
    {
        ValidatePath(path);
        RequireParent("mkdir", path);
        if (_directories.ContainsKey(path) || _names.ContainsKey(path))
        {
            throw new WritebackException("mkdir", path, null, null, Eexist);
        }
        _directories.Add(path, _nextDirectoryId++);
        NamesVersion++;
    }

    /// <summary>Whether the path is a directory ("" is the root).</summary>
    public bool DirectoryExists(string path) => path.Length == 0 || _directories.ContainsKey(path);

    /// <summary>The names of the files and directories directly in <paramref name="path"/> ("" is the root).</summary>
    public IReadOnlyList<string> ListDirectory(string path)
    {
        if (path.Length > 0)
        {
            RequireDirectory("opendir", path);
        }
        string prefix = path.Length == 0 ? "" : path + "/";
        return [.. _names.Keys.Concat(_directories.Keys)
                   .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.IndexOf('/', prefix.Length) < 0)
                   .Select(p => p[prefix.Length..]).Order(StringComparer.Ordinal)];
    }

    /// <summary>rmdir(2): removes an empty directory.</summary>
    public void RemoveDirectory(string path)
    {
        ValidateName(path);
        RequireDirectory("rmdir", path);
        if (!IsEmptyDirectory(path))
        {
            throw new WritebackException("rmdir", path, null, null, Enotempty);
        }
        _directories.Remove(path);
        NamesVersion++;
    }

    /// <summary>rename(2) of a directory: it keeps its id and everything under it moves; an empty directory at the target is replaced.</summary>
    private void RenameDirectory(string sourceName, string targetName)
    {
        RequireParent("rename", targetName);
        if (_names.ContainsKey(targetName) || targetName.StartsWith(sourceName + "/", StringComparison.Ordinal)
            || _directories.ContainsKey(targetName) && !IsEmptyDirectory(targetName))
        {
            throw new WritebackException("rename", targetName, null, null, _names.ContainsKey(targetName) ? Enotdir : Enotempty);
        }
        _directories.Remove(targetName);
        string Moved(string path) => targetName + path[sourceName.Length..];
        bool Inside(string path) => path == sourceName || path.StartsWith(sourceName + "/", StringComparison.Ordinal);
        foreach ((string? path, int id) in _directories.Where(d => Inside(d.Key)).ToList())
        {
            _directories.Remove(path);
            _directories.Add(Moved(path), id);
        }
        foreach ((string? path, Inode? inode) in _names.Where(n => Inside(n.Key)).ToList())
        {
            _names.Remove(path);
            _names.Add(Moved(path), inode);
        }
        NamesVersion++;
    }

    private bool IsEmptyDirectory(string path)
    {
        string prefix = path + "/";
        return !_names.Keys.Any(n => n.StartsWith(prefix, StringComparison.Ordinal)) && !_directories.Keys.Any(d => d.StartsWith(prefix, StringComparison.Ordinal));
    }

    private void RequireParent(string operation, string path)
    {
        string parent = ParentOf(path);
        if (parent.Length > 0 && !_directories.ContainsKey(parent))
        {
            throw new WritebackException(operation, path, null, null, Enoent);
        }
    }

    private void RequireDirectory(string operation, string path)
    {
        if (!_directories.ContainsKey(path))
        {
            throw new WritebackException(operation, path, null, null, Enoent);
        }
    }

    /// <summary>The next <see cref="FlushDirectory()"/> fails with <paramref name="errno"/>.</summary>
    public void ArmDirectoryFailure(int errno) => _armedDirectoryErrno = errno;

    /// <summary>Forgets an armed directory failure no call used.</summary>
    public void DisarmDirectory() => _armedDirectoryErrno = null;

    /// <summary>Whether <paramref name="error"/> is an injected directory failure.</summary>
    public bool IsInjectedDirectoryFailure(Exception error) => ReferenceEquals(error, _directoryFailure);

    /// <summary>Returns rented memory of a post-crash view's files to the pool.</summary>
    public void Release()
    {
        foreach (Inode inode in _inodes)
        {
            inode.Release();
        }
    }

    private void SetName(string name, Inode inode)
    {
        _names[name] = inode;
        NamesVersion++;
    }

    private long RoundUpToPage(long bytes) => Pages.RoundUp(bytes, PageSizeBytes);

    private void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_nextDirectoryId == 1 && name.Contains('/'))
        {
            // No subdirectory was ever created (ISubdirectoryStorage.CreateDirectory): as in DirectoryStorage, a name has no directory part.
            throw new ArgumentException($"'{name}' is not a file name: names in a storage have no directory part.", nameof(name));
        }
        ValidatePath(name);
    }

    /// <summary>Whether a '/'-separated part of <paramref name="path"/> is empty, "." or ".." (without splitting it into strings: every open and lookup of a checked view asks).</summary>
    private static bool HasEmptyOrDotPart(string path)
    {
        foreach (Range part in path.AsSpan().Split('/'))
        {
            if (path.AsSpan(part) is "" or "." or "..")
            {
                return true;
            }
        }
        return false;
    }

    private static void ValidatePath(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        // Paths relative to the root, '/' separated.
        if (name.Contains('\0') || HasEmptyOrDotPart(name))
        {
            throw new ArgumentException($"'{name}' is not a file name: names in a storage are '/'-separated paths relative to its root, without '.', '..' or empty parts.", nameof(name));
        }
    }
}
