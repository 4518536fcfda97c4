using static Interop.Libc;

namespace Writeback.LossyFs.Volatile;

/// <summary>One entry of a directory listing snapshot.</summary>
internal readonly record struct DirectoryEntry(string Name, Node Node, bool CountsLookup);

internal sealed partial class LossyTree
{
    /// <summary>Finds a visible name; on success the kernel holds one more reference to the node.</summary>
    public int Lookup(Node parent, string name, out Node? node)
    {
        node = null;
        lock (_tree)
        {
            int errno = LoadedDirectory(parent);
            if (errno != 0)
            {
                return errno;
            }
            if (!parent.Visible!.TryGetValue(name, out Node? found))
            {
                return Errno.ENOENT;
            }
            found.LookupCount++;
            node = found;
            return 0;
        }
    }

    /// <summary>FUSE_FORGET: the kernel dropped <paramref name="lookupCount"/> references.</summary>
    public void Forget(ulong nodeId, ulong lookupCount)
    {
        lock (_tree)
        {
            if (!_nodes.TryGetValue(nodeId, out Node? node) || node == Root)
            {
                return;
            }
            node.LookupCount -= Math.Min(node.LookupCount, lookupCount);
            if (node.LookupCount == 0 && node.Kind == NodeKind.File && node.OpenHandles == 0 && !node.IsPinned
                && (node.HasHiddenLink || node.OpenVia is not null) && node.Overlay is not { IsDirty: true })
            {
                // The kernel forgot it: a clean file is reopened on demand.
                CloseFileDescriptor(node);
            }
            TryRelease(node);
        }
    }

    /// <summary>Creates a file, directory or symbolic link; its name is visible at once and durable only after FSYNCDIR of <paramref name="parent"/>.</summary>
    public int Create(Node parent, string name, NodeKind kind, uint mode, uint uid, uint gid, byte[]? linkTarget, out Node? node)
    {
        node = null;
        lock (_tree)
        {
            int errno = LoadedDirectory(parent);
            if (errno != 0)
            {
                return errno;
            }
            if (parent.Visible!.ContainsKey(name))
            {
                return Errno.EEXIST;
            }
            if (parent == Root && name == HiddenAreaName)
            {
                return Errno.EPERM;
            }
            errno = InheritFromSetGidParent(parent, kind, ref mode, ref gid);
            if (errno != 0)
            {
                return errno;
            }
            errno = kind == NodeKind.Directory ? 0 : ReserveFileDescriptor();
            if (errno != 0)
            {
                return errno;
            }
            Node created = NewNode(kind);
            string hiddenName = HiddenName(created);
            int fd = CreateBackingObject(kind, hiddenName, mode, linkTarget);
            if (fd < 0)
            {
                errno = Interop.LastErrno;
                _nodes.TryRemove(created.NodeId, out _);
                return errno;
            }
            var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
            if (kind == NodeKind.Directory)
            {
                created.Fd = handle;
            }
            else
            {
                AdoptFileDescriptor(created, handle);
            }
            ApplyOwnerAndMode(handle, kind, mode, uid, gid);
            if (kind == NodeKind.Directory)
            {
                created.Loaded = true;
            }
            else
            {
                created.HasHiddenLink = true;
            }
            if (kind == NodeKind.File)
            {
                created.Overlay = new FileOverlay(0);
            }
            AddVisible(parent, name, created);
            created.LookupCount++;
            node = created;
            return NamesDurableImmediately ? SyncNames(parent) : 0;
        }
    }

    /// <summary>Creates the object in the hidden area; returns its descriptor or -1 (errno in <c>Interop.LastErrno</c>).</summary>
    private int CreateBackingObject(NodeKind kind, string hiddenName, uint mode, byte[]? linkTarget)
    {
        int fd;
        switch (kind)
        {
            case NodeKind.File:
                fd = Interop.Libc.OpenAt(_hidden, hiddenName, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0xFFF);
                break;
            case NodeKind.Directory:
                fd = Interop.Libc.mkdirat(_hidden, hiddenName, mode & 0xFFF) == 0
                    ? Interop.Libc.OpenAt(_hidden, hiddenName, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
                    : -1;
                break;
            default:
                fd = Interop.Libc.symlinkat(linkTarget!, _hidden, hiddenName) == 0
                    ? Interop.Libc.OpenAt(_hidden, hiddenName, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0)
                    : -1;
                break;
        }
        return fd;
    }

    /// <summary>The caller's owner and exact mode on a new object (only what creat/mkdir did not already give it).</summary>
    private void ApplyOwnerAndMode(Microsoft.Win32.SafeHandles.SafeFileHandle handle, NodeKind kind, uint mode, uint uid, uint gid)
    {
        // chown(2) of a non-directory also clears set-user/group-ID bits, so those modes keep the call.
        if (uid != _createdUid || gid != _createdGid || (mode & 0xC00) != 0)
        {
            Interop.Libc.fchownat(handle, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
        }
        // The kernel already applied the caller's umask to the mode; this process's own umask
        // must not strip more, and mkdir(2) takes no set-group-ID bit from its mode argument.
        if (kind != NodeKind.Symlink && ((mode & _processUmask) != 0 || (mode & 0xE00) != 0))
        {
            Interop.Libc.fchmod(handle, mode & 0xFFF);
        }
    }

    /// <summary>
    /// A set-group-ID parent passes on its group, and to a new directory its set-group-ID bit too
    /// (inode_init_owner in fs/inode.c; "mkdir(2)", "open(2)": the BSD group semantics). The
    /// object is created in the hidden area, whose directory does not carry the parent's bits.
    /// </summary>
    private static int InheritFromSetGidParent(Node parent, NodeKind kind, ref uint mode, ref uint gid)
    {
        if (!parent.SetGidKnown)
        {
            // Only LossyFs changes the backing directory, so the answer holds until SETATTR of the parent.
            if (Interop.Libc.statx(parent.Fd!, "", AT_EMPTY_PATH, STATX_BASIC_STATS, out Interop.StatxBuffer stat) != 0)
            {
                return Interop.LastErrno;
            }
            parent.SetGidGroup = (stat.stx_mode & S_ISGID) != 0 ? stat.stx_gid : null;
            parent.SetGidKnown = true;
        }
        if (parent.SetGidGroup is { } group)
        {
            gid = group;
            if (kind == NodeKind.Directory)
            {
                mode |= S_ISGID;
            }
        }
        return 0;
    }

    /// <summary>Adds a visible hard link.</summary>
    public int Link(Node node, Node parent, string name)
    {
        lock (_tree)
        {
            int errno = LoadedDirectory(parent);
            if (errno != 0)
            {
                return errno;
            }
            if (parent == Root && name == HiddenAreaName)
            {
                return Errno.EPERM;
            }
            if (node.Kind == NodeKind.Directory)
            {
                return Errno.EPERM;
            }
            if (parent.Visible!.ContainsKey(name))
            {
                return Errno.EEXIST;
            }
            AddVisible(parent, name, node);
            node.LookupCount++;
            return NamesDurableImmediately ? SyncNames(parent) : 0;
        }
    }

    /// <summary>Removes a visible name (unlink or rmdir).</summary>
    public int Remove(Node parent, string name, bool directory)
    {
        lock (_tree)
        {
            int errno = LoadedDirectory(parent);
            if (errno != 0)
            {
                return errno;
            }
            if (!parent.Visible!.TryGetValue(name, out Node? node))
            {
                return Errno.ENOENT;
            }
            if (directory != (node.Kind == NodeKind.Directory))
            {
                return directory ? Errno.ENOTDIR : Errno.EISDIR;
            }
            if (directory)
            {
                errno = EnsureLoaded(node);
                if (errno != 0)
                {
                    return errno;
                }
                if (node.Visible!.Count > 0)
                {
                    return Errno.ENOTEMPTY;
                }
            }
            RemoveVisible(parent, name);
            errno = DropDurableEntriesOfUnplacedDirectory(node);
            if (errno == 0 && NamesDurableImmediately)
            {
                errno = SyncNames(parent);
            }
            TryRelease(node);
            return errno;
        }
    }

    /// <summary>rename(2) and renameat2(2) with RENAME_NOREPLACE or RENAME_EXCHANGE, on the visible namespace.</summary>
    public int Rename(Node oldParent, string oldName, Node newParent, string newName, uint flags)
    {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) != 0 || flags == (RENAME_NOREPLACE | RENAME_EXCHANGE))
        {
            return Errno.EINVAL;
        }
        lock (_tree)
        {
            int errno = FindRenamed(oldParent, oldName, newParent, newName, flags, out Node? source, out Node? target);
            if (errno != 0)
            {
                return errno;
            }
            if ((flags & RENAME_EXCHANGE) != 0)
            {
                return Exchange(oldParent, oldName, source!, newParent, newName, target!);
            }
            if (target is not null)
            {
                if ((flags & RENAME_NOREPLACE) != 0)
                {
                    return Errno.EEXIST;
                }
                if (target == source)
                {
                    return 0;
                }
                errno = RemoveReplaced(newParent, newName, source!, target);
                if (errno != 0)
                {
                    return errno;
                }
            }
            oldParent.Visible!.Remove(oldName);
            newParent.Visible![newName] = source!;
            ForgetVisibleName(source!, oldParent, oldName);
            RecordVisibleName(source!, newParent, newName);
            errno = NamesDurableImmediately ? SyncPair(oldParent, newParent) : 0;
            if (target is not null)
            {
                TryRelease(target);
            }
            return errno;
        }
    }

    /// <summary>
    /// A rename's two ends, loaded and checked as rename(2) checks them before anything changes:
    /// the source exists, the target is not the hidden area, no directory moves into itself, and an
    /// exchange has a target. Returns 0 or the errno.
    /// </summary>
    private int FindRenamed(Node oldParent, string oldName, Node newParent, string newName, uint flags, out Node? source, out Node? target)
    {
        source = null;
        target = null;
        int errno = LoadedDirectory(oldParent);
        if (errno == 0)
        {
            errno = LoadedDirectory(newParent);
        }
        if (errno != 0)
        {
            return errno;
        }
        if (!oldParent.Visible!.TryGetValue(oldName, out source))
        {
            return Errno.ENOENT;
        }
        if (newParent == Root && newName == HiddenAreaName)
        {
            return Errno.EPERM;
        }
        newParent.Visible!.TryGetValue(newName, out target);
        if (IsAncestorOrSelf(source, newParent) || (target is not null && (flags & RENAME_EXCHANGE) != 0 && IsAncestorOrSelf(target, oldParent)))
        {
            return Errno.EINVAL;
        }
        return (flags & RENAME_EXCHANGE) != 0 && target is null ? Errno.ENOENT : 0;
    }

    /// <summary>RENAME_EXCHANGE: the two names swap their nodes.</summary>
    private int Exchange(Node oldParent, string oldName, Node source, Node newParent, string newName, Node target)
    {
        oldParent.Visible![oldName] = target;
        newParent.Visible![newName] = source;
        ForgetVisibleName(target, newParent, newName);
        ForgetVisibleName(source, oldParent, oldName);
        RecordVisibleName(target, oldParent, oldName);
        RecordVisibleName(source, newParent, newName);
        return NamesDurableImmediately ? SyncPair(oldParent, newParent) : 0;
    }

    /// <summary>Removes the name a rename replaces, if <paramref name="source"/> may replace <paramref name="target"/>; returns 0 or the errno.</summary>
    private int RemoveReplaced(Node newParent, string newName, Node source, Node target)
    {
        int errno = target.Kind == NodeKind.Directory ? EnsureLoaded(target) : 0;
        if (errno == 0)
        {
            errno = CheckReplaceable(source, target);
        }
        if (errno != 0)
        {
            return errno;
        }
        RemoveVisible(newParent, newName);
        return DropDurableEntriesOfUnplacedDirectory(target);
    }

    /// <summary>
    /// FSYNCDIR: makes the directory's durable entries equal its visible ones in the backing
    /// directory, then fsyncs it. Names elsewhere are not touched, except that moving a directory
    /// makes its old place lose the name too (a directory has one place in the backing tree).
    /// </summary>
    public int SyncDirectory(Node directory)
    {
        lock (_tree)
        {
            if (directory.Kind != NodeKind.Directory)
            {
                return Errno.ENOTDIR;
            }
            int errno = SyncNames(directory);
            if (errno != 0)
            {
                return errno;
            }
            errno = EnsureFd(directory);
            return errno != 0 ? errno : Interop.Libc.FSync(directory.Fd!);
        }
    }

    /// <summary>A snapshot of a directory's visible entries, with "." and "..".</summary>
    public int ListDirectory(Node directory, out List<DirectoryEntry> entries)
    {
        entries = [];
        lock (_tree)
        {
            int errno = LoadedDirectory(directory);
            if (errno != 0)
            {
                return errno;
            }
            entries.Add(new DirectoryEntry(".", directory, CountsLookup: false));
            entries.Add(new DirectoryEntry("..", directory.VisibleParent ?? directory, CountsLookup: false));
            foreach ((string? name, Node? node) in directory.Visible!)
            {
                entries.Add(new DirectoryEntry(name, node, CountsLookup: true));
            }
            return 0;
        }
    }

    /// <summary>READDIRPLUS hands out a reference per entry, as LOOKUP does.</summary>
    public bool AddLookupIfPresent(Node node)
    {
        lock (_tree)
        {
            if (node.Released)
            {
                return false;
            }
            node.LookupCount++;
            return true;
        }
    }

    private int LoadedDirectory(Node directory) =>
        directory.Kind != NodeKind.Directory ? Errno.ENOTDIR : EnsureLoaded(directory);

    private static int CheckReplaceable(Node source, Node target)
    {
        if (source.Kind == NodeKind.Directory)
        {
            if (target.Kind != NodeKind.Directory)
            {
                return Errno.ENOTDIR;
            }
            return target.Visible!.Count > 0 ? Errno.ENOTEMPTY : 0;
        }
        return target.Kind == NodeKind.Directory ? Errno.EISDIR : 0;
    }

    private static bool IsAncestorOrSelf(Node candidate, Node node)
    {
        if (candidate.Kind != NodeKind.Directory)
        {
            return false;
        }
        for (Node? current = node; current is not null; current = current.VisibleParent)
        {
            if (current == candidate)
            {
                return true;
            }
            if (current.VisibleParent == current)
            {
                break;
            }
        }
        return false;
    }

    private static void AddVisible(Node parent, string name, Node node)
    {
        parent.Visible![name] = node;
        node.VisibleLinks++;
        RecordVisibleName(node, parent, name);
    }

    private static void RemoveVisible(Node parent, string name)
    {
        Node node = parent.Visible![name];
        parent.Visible.Remove(name);
        node.VisibleLinks--;
        ForgetVisibleName(node, parent, name);
    }

    /// <summary>Adds a visible name to the node's list; the newest is <see cref="Node.VisibleParent"/>.</summary>
    private static void RecordVisibleName(Node node, Node parent, string name)
    {
        if (node.VisibleParent is { } previous)
        {
            (node.OtherVisibleNames ??= []).Add((previous, node.VisibleName!));
        }
        node.VisibleParent = parent;
        node.VisibleName = name;
    }

    /// <summary>Removes a visible name from the node's list; the newest remaining one becomes the primary.</summary>
    private static void ForgetVisibleName(Node node, Node parent, string name)
    {
        List<(Node Parent, string Name)>? others = node.OtherVisibleNames;
        if (node.VisibleParent == parent && node.VisibleName == name)
        {
            (node.VisibleParent, node.VisibleName) = others is { Count: > 0 } ? others[^1] : (null, null);
            others?.RemoveAt(others.Count - 1);
        }
        else
        {
            others?.Remove((parent, name));
        }
        if (others is { Count: 0 })
        {
            node.OtherVisibleNames = null;
        }
    }

    /// <summary>Every visible name of a node (a snapshot).</summary>
    private static List<(Node Parent, string Name)> VisibleNamesOf(Node node)
    {
        var names = new List<(Node Parent, string Name)>();
        if (node.VisibleParent is { } parent)
        {
            names.Add((parent, node.VisibleName!));
        }
        if (node.OtherVisibleNames is { } others)
        {
            names.AddRange(others);
        }
        return names;
    }
}
