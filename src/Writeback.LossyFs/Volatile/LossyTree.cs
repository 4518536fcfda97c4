using System.Collections.Concurrent;
using System.Text;
using Microsoft.Win32.SafeHandles;
using static Interop.Libc;

namespace Writeback.LossyFs.Volatile;

/// <summary>
/// The file system's state: a visible namespace and file contents that programs see, over a
/// backing directory that holds only what is durable. Every method returns 0 or an errno, never
/// throws for a file-system condition. Namespace changes take <see cref="_tree"/>; data takes the
/// node's own lock.
/// </summary>
internal sealed partial class LossyTree : IDisposable
{
    /// <summary>Name of the hidden area in the backing root that holds objects whose names are not durable; removed at crash and at mount.</summary>
    public const string HiddenAreaName = ".lossyfs-volatile";

    /// <summary>FUSE_ROOT_ID.</summary>
    public const ulong RootId = 1;

    private readonly Lock _tree = new();
    private readonly ConcurrentDictionary<ulong, Node> _nodes = new();
    private readonly Dictionary<ulong, Node> _byBackingInode = new();
    private readonly SafeFileHandle _hidden;

    // Nodes whose visible names RemoveDurable is making durable (guarded by the tree lock).
    private readonly HashSet<Node> _keepingReachable = [];

    // The owner a new object in the hidden area gets from creat/mkdir/symlink alone: this process's
    // effective ids, or the hidden directory's group when it is set-group-ID (inherited from the
    // backing directory). Create skips the fchownat when the caller's ids already equal these.
    private readonly uint _createdUid;
    private readonly uint _createdGid;

    // This process's umask (creat/mkdir apply it on top of the mode the kernel already masked with the caller's).
    private readonly uint _processUmask = ReadProcessUmask();
    private long _nextNodeId = (long)RootId;

    /// <summary>Opens the backing directory; clears a stale hidden area left by an earlier run.</summary>
    public LossyTree(string backingDirectory, bool namesDurableImmediately)
    {
        BackingDirectory = Path.GetFullPath(backingDirectory);
        NamesDurableImmediately = namesDurableImmediately;
        string hiddenPath = Path.Combine(BackingDirectory, HiddenAreaName);
        Root = new Node(RootId, NodeKind.Directory) { Fd = OpenOrThrow(BackingDirectory, O_RDONLY | O_DIRECTORY), VisibleLinks = 1, DurableLinks = 1 };
        RemoveTree(Root.Fd, HiddenAreaName);
        Directory.CreateDirectory(hiddenPath);
        _hidden = OpenOrThrow(hiddenPath, O_RDONLY | O_DIRECTORY);
        _createdUid = Interop.Libc.geteuid();
        _createdGid = Interop.Libc.getegid();
        if (Interop.Libc.statx(_hidden, "", AT_EMPTY_PATH, STATX_BASIC_STATS, out Interop.StatxBuffer hiddenStat) != 0 || (hiddenStat.stx_mode & S_ISGID) != 0)
        {
            // Unknown or inherited group: never skip the fchownat's group change.
            _createdGid = (hiddenStat.stx_mode & S_ISGID) != 0 ? hiddenStat.stx_gid : uint.MaxValue;
        }
        _nodes[RootId] = Root;
    }

    /// <summary>The backing directory (absolute).</summary>
    public string BackingDirectory { get; }

    /// <summary>LazyFS behaviour: every namespace change is applied to the backing directory at once.</summary>
    public bool NamesDurableImmediately { get; }

    /// <summary>The root directory node.</summary>
    public Node Root { get; }

    /// <summary>Set by a crash: from then on no request touches the backing directory.</summary>
    public bool Crashed { get; private set; }

    /// <summary>Finds a node the kernel refers to.</summary>
    public Node? Find(ulong nodeId) => _nodes.TryGetValue(nodeId, out Node? node) && !node.Released ? node : null;

    /// <summary>
    /// Holds a name from a request as a byte string: one char per byte (Latin-1), so every byte
    /// sequence is its own name (Linux names are bytes, not UTF-8) and goes back to the backing
    /// directory unchanged through <c>Interop.ByteNameMarshaller</c>.
    /// </summary>
    public static string DecodeName(ReadOnlySpan<byte> name) => Encoding.Latin1.GetString(name);

    /// <summary>The bytes of a name held by <see cref="DecodeName"/>.</summary>
    public static byte[] EncodeName(string name) => Encoding.Latin1.GetBytes(name);

    /// <summary>A held name for people: its bytes read as UTF-8 (invalid bytes shown as U+FFFD).</summary>
    public static string DisplayName(string name) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(name));

    /// <summary>The "Umask:" line of /proc/self/status (Linux 4.7+); 0o777 when unknown, so every create sets its mode explicitly.</summary>
    private static uint ReadProcessUmask()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Umask:", StringComparison.Ordinal))
                {
                    return Convert.ToUInt32(line["Umask:".Length..].Trim(), 8);
                }
            }
        }
        catch (IOException)
        {
            // Unknown: fall through.
        }
        return 0x1FF;
    }

    private static SafeFileHandle OpenOrThrow(string path, int flags)
    {
        int fd = Interop.Libc.OpenAt(AT_FDCWD, path, flags | O_CLOEXEC, 0);
        if (fd < 0)
        {
            int errno = Interop.LastErrno;
            throw new LossyFsException("open", path, errno);
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private Node NewNode(NodeKind kind)
    {
        var node = new Node((ulong)Interlocked.Increment(ref _nextNodeId), kind);
        _nodes[node.NodeId] = node;
        return node;
    }

    private static string HiddenName(Node node) => node.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Opens a node's backing descriptor when it is not open yet. Caller holds the tree lock.</summary>
    private int EnsureFd(Node node)
    {
        if (node.Fd is not null)
        {
            return 0;
        }
        SafeFileHandle directory;
        string name;
        if (node.HasHiddenLink)
        {
            directory = _hidden;
            name = HiddenName(node);
        }
        else if (node.OpenVia is { } via)
        {
            int errno = EnsureFd(via);
            if (errno != 0)
            {
                return errno;
            }
            directory = via.Fd!;
            name = node.OpenViaName!;
        }
        else
        {
            return Errno.EIO;
        }
        int flags = node.Kind switch
        {
            NodeKind.Directory => O_RDONLY | O_DIRECTORY,
            NodeKind.Symlink => O_PATH,
            _ => O_RDWR,
        } | O_NOFOLLOW | O_CLOEXEC;
        int reserved = node.Kind == NodeKind.Directory ? 0 : ReserveFileDescriptor();
        if (reserved != 0)
        {
            return reserved;
        }
        int fd = Interop.Libc.OpenAt(directory, name, flags, 0);
        if (fd < 0 && node.Kind == NodeKind.File && Interop.LastErrno is not (Errno.EMFILE or Errno.ENFILE))
        {
            fd = Interop.Libc.OpenAt(directory, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
        }
        if (fd < 0)
        {
            return Interop.LastErrno;
        }
        if (node.Kind == NodeKind.Directory)
        {
            node.Fd = new SafeFileHandle(fd, ownsHandle: true);
        }
        else
        {
            AdoptFileDescriptor(node, new SafeFileHandle(fd, ownsHandle: true));
        }
        return 0;
    }

    /// <summary>Reads a directory's entries from the backing directory on first use. Caller holds the tree lock.</summary>
    private int EnsureLoaded(Node directory)
    {
        if (directory.Loaded)
        {
            return 0;
        }
        int errno = EnsureFd(directory);
        if (errno != 0)
        {
            return errno;
        }
        var entries = new List<string>();
        errno = ReadNames(directory.Fd!, entries);
        if (errno != 0)
        {
            return errno;
        }
        foreach (string name in entries)
        {
            if (directory == Root && name == HiddenAreaName)
            {
                continue;
            }
            AddLoadedEntry(directory, name);
        }
        directory.Loaded = true;
        return 0;
    }

    /// <summary>Adds one backing entry, found at load, to a directory's visible and durable names. Caller holds the tree lock.</summary>
    private void AddLoadedEntry(Node directory, string name)
    {
        if (Interop.Libc.statx(directory.Fd!, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, out Interop.StatxBuffer stat) != 0)
        {
            return;
        }
        NodeKind? kind = (stat.stx_mode & S_IFMT) switch
        {
            S_IFREG => NodeKind.File,
            S_IFDIR => NodeKind.Directory,
            S_IFLNK => NodeKind.Symlink,
            _ => null, // devices, FIFOs and sockets are not served
        };
        if (kind is null)
        {
            return;
        }
        Node node;
        if (kind != NodeKind.Directory && stat.stx_nlink > 1 && _byBackingInode.TryGetValue(stat.stx_ino, out Node? known))
        {
            node = known;
        }
        else
        {
            node = NewNode(kind.Value);
            node.OpenVia = directory;
            node.OpenViaName = name;
            if (kind != NodeKind.Directory && stat.stx_nlink > 1)
            {
                _byBackingInode[stat.stx_ino] = node;
            }
            if (kind == NodeKind.Directory)
            {
                node.PlacedIn = directory;
                node.PlacedName = name;
            }
        }
        directory.Visible![name] = node;
        node.VisibleLinks++;
        AddDurableEntry(directory, name, node);
        RecordVisibleName(node, directory, name);
    }

    /// <summary>Reads a backing directory's names with getdents64(2), as bytes (Latin-1 held), without "." and "..".</summary>
    private static int ReadNames(SafeFileHandle directory, List<string> names)
    {
        // A descriptor of its own: getdents64 reads from the file offset, which must start at 0.
        int fd = Interop.Libc.OpenAt(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0)
        {
            return Interop.LastErrno;
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        byte[] buffer = new byte[32 * 1024];
        while (true)
        {
            nint countBytes = GetDents(handle, buffer);
            if (countBytes < 0)
            {
                return Interop.LastErrno;
            }
            if (countBytes == 0)
            {
                return 0;
            }
            // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated).
            for (int offset = 0; offset < countBytes;)
            {
                int recordBytes = BitConverter.ToUInt16(buffer, offset + 16);
                Span<byte> nameBytes = buffer.AsSpan(offset + 19, recordBytes - 19);
                nameBytes = nameBytes[..nameBytes.IndexOf((byte)0)];
                if (!(nameBytes.SequenceEqual("."u8) || nameBytes.SequenceEqual(".."u8)))
                {
                    names.Add(DecodeName(nameBytes));
                }
                offset += recordBytes;
            }
        }
    }

    /// <summary>One getdents64(2) call into <paramref name="buffer"/>: the bytes of whole records it filled, 0 at the end, or -1 (errno set).</summary>
    private static nint GetDents(SafeFileHandle directory, byte[] buffer)
    {
        // Safety: the array is pinned for the call and its length is passed as the count, so the kernel
        // writes only within it; nothing keeps the pointer after the call.
        unsafe
        {
            fixed (byte* start = buffer)
            {
                return Interop.Libc.getdents64(directory, start, (nuint)buffer.Length);
            }
        }
    }

    /// <summary>
    /// Removes <paramref name="name"/> in <paramref name="parent"/> and everything under it, by
    /// descriptor and without following symbolic links (names may be any bytes). Best effort: what
    /// cannot be removed stays for the next mount to remove.
    /// </summary>
    private static void RemoveTree(SafeFileHandle parent, string name)
    {
        if (Interop.Libc.unlinkat(parent, name, AT_REMOVEDIR) == 0 || Interop.LastErrno is Errno.ENOENT or Errno.ENOTDIR)
        {
            if (Interop.LastErrno == Errno.ENOTDIR)
            {
                Interop.Libc.unlinkat(parent, name, 0);
            }
            return;
        }
        int fd = Interop.Libc.OpenAt(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0)
        {
            return;
        }
        using (var directory = new SafeFileHandle(fd, ownsHandle: true))
        {
            var names = new List<string>();
            ReadNames(directory, names);
            foreach (string child in names)
            {
                if (Interop.Libc.unlinkat(directory, child, 0) != 0 && Interop.LastErrno == Errno.EISDIR)
                {
                    RemoveTree(directory, child);
                }
            }
        }
        Interop.Libc.unlinkat(parent, name, AT_REMOVEDIR);
    }

    /// <summary>Frees a node nothing refers to any more: no names, no kernel references. Caller holds the tree lock.</summary>
    private void TryRelease(Node node)
    {
        if (node.Released || node == Root || node.LookupCount > 0 || node.VisibleLinks > 0 || node.DurableLinks > 0)
        {
            return;
        }
        node.Released = true;
        _nodes.TryRemove(node.NodeId, out _);
        if (node.Kind == NodeKind.Directory)
        {
            // It sits in the hidden area. Its durable entries go one by one through RemoveDurable,
            // which keeps every entry still reachable by a visible name (moved out before this
            // directory was removed): nothing is deleted in bulk.
            if (node.Loaded)
            {
                RemoveAllDurable(node);
            }
            Interop.Libc.unlinkat(_hidden, HiddenName(node), AT_REMOVEDIR);
        }
        else if (node.HasHiddenLink)
        {
            Interop.Libc.unlinkat(_hidden, HiddenName(node), 0);
        }
        foreach (KeyValuePair<ulong, Node> entry in _byBackingInode.Where(pair => pair.Value == node).ToList())
        {
            _byBackingInode.Remove(entry.Key);
        }
        if (node.Kind != NodeKind.Directory)
        {
            CloseFileDescriptor(node);
        }
        lock (node.DataLock)
        {
            node.Overlay?.Clear();
            node.Fd?.Dispose();
        }
    }

    /// <summary>Closes every descriptor and removes the hidden area (after a crash or an unmount).</summary>
    public void Dispose()
    {
        lock (_tree)
        {
            foreach (Node? node in _nodes.Values.Where(node => node != Root))
            {
                lock (node.DataLock)
                {
                    node.Fd?.Dispose();
                }
            }
            _hidden.Dispose();
            RemoveTree(Root.Fd!, HiddenAreaName);
            Root.Fd!.Dispose();
        }
    }
}
