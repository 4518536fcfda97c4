using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.Fuse;
using static Interop.Libc;

namespace Writeback.LossyFs.Volatile;

internal sealed partial class LossyTree
{
    /// <summary>Attributes as programs see them: the backing object's, with the volatile length and visible link count.</summary>
    public int GetAttributes(Node node, out FuseAttr attr)
    {
        attr = default;
        int errno = PinFd(node);
        if (errno != 0)
        {
            return errno;
        }
        using var pinned = new PinnedFd(node);
        Interop.StatxBuffer stat;
        long? volatileLength = null;
        long heldPages = 0;
        lock (node.DataLock)
        {
            if (node.Fd is null || Interop.Libc.statx(node.Fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, out stat) != 0)
            {
                return node.Fd is null ? Errno.EIO : Interop.LastErrno;
            }
            volatileLength = node.Overlay?.VolatileLengthBytes;
            heldPages = node.Overlay?.HeldPageCount ?? 0;
        }
        ulong size = volatileLength is { } length ? (ulong)length : stat.stx_size;
        attr = new FuseAttr
        {
            ino = node.NodeId,
            size = size,
            // What is allocated: the backing file's blocks plus the pages held for unsynced writes
            // (a sparse file stays sparse; a file with only unsynced data does not look empty to tar or du).
            blocks = Math.Min(stat.stx_blocks + (ulong)heldPages * (FileOverlay.PageSizeBytes / 512), Math.Max(stat.stx_blocks, (size + 4095) / 4096 * 8)),
            atime = (ulong)stat.stx_atime.tv_sec,
            atimensec = stat.stx_atime.tv_nsec,
            mtime = (ulong)stat.stx_mtime.tv_sec,
            mtimensec = stat.stx_mtime.tv_nsec,
            ctime = (ulong)stat.stx_ctime.tv_sec,
            ctimensec = stat.stx_ctime.tv_nsec,
            mode = stat.stx_mode,
            nlink = node.Kind == NodeKind.Directory ? 1u : (uint)Math.Max(0, node.VisibleLinks),
            uid = stat.stx_uid,
            gid = stat.stx_gid,
            blksize = stat.stx_blksize,
        };
        return 0;
    }

    /// <summary>SETATTR: the length is volatile (held in the overlay); mode, owner and times go to the backing object.</summary>
    public int SetAttributes(Node node, in FuseSetattrIn change)
    {
        bool ownership = (change.valid & (FuseKernel.FATTR_MODE | FuseKernel.FATTR_UID | FuseKernel.FATTR_GID)) != 0;
        int errno = SetAttributesCore(node, change);
        if (ownership)
        {
            // chmod/chown may change what a set-group-ID directory passes on; dropped after the
            // change too, so a create that read the old mode meanwhile does not keep it.
            node.SetGidKnown = false;
        }
        return errno;
    }

    private int SetAttributesCore(Node node, in FuseSetattrIn change)
    {
        int errno = PinFd(node);
        if (errno != 0)
        {
            return errno;
        }
        using var pinned = new PinnedFd(node);
        if ((change.valid & (FuseKernel.FATTR_MODE | FuseKernel.FATTR_UID | FuseKernel.FATTR_GID)) != 0)
        {
            node.SetGidKnown = false;
        }
        lock (node.DataLock)
        {
            SafeFileHandle fd = node.Fd!;
            if ((change.valid & FuseKernel.FATTR_SIZE) != 0)
            {
                if (node.Kind != NodeKind.File)
                {
                    return Errno.EISDIR;
                }
                errno = EnsureOverlay(node);
                if (errno != 0)
                {
                    return errno;
                }
                node.Overlay!.SetLength((long)change.size);
            }
            if ((change.valid & FuseKernel.FATTR_MODE) != 0 && node.Kind != NodeKind.Symlink
                && Interop.Libc.fchmod(fd, change.mode & 0xFFF) != 0)
            {
                return Interop.LastErrno;
            }
            if ((change.valid & (FuseKernel.FATTR_UID | FuseKernel.FATTR_GID)) != 0)
            {
                uint uid = (change.valid & FuseKernel.FATTR_UID) != 0 ? change.uid : uint.MaxValue;
                uint gid = (change.valid & FuseKernel.FATTR_GID) != 0 ? change.gid : uint.MaxValue;
                if (Interop.Libc.fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
                {
                    return Interop.LastErrno;
                }
            }
            if ((change.valid & (FuseKernel.FATTR_ATIME | FuseKernel.FATTR_MTIME | FuseKernel.FATTR_ATIME_NOW | FuseKernel.FATTR_MTIME_NOW)) != 0
                && node.Kind != NodeKind.Symlink)
            {
                return SetTimes(fd, change);
            }
        }
        return 0;
    }

    private static int SetTimes(Microsoft.Win32.SafeHandles.SafeFileHandle fd, in FuseSetattrIn change)
    {
        Span<Interop.Libc.timespec> times = stackalloc Interop.Libc.timespec[2];
        times[0] = Time(change.valid, FuseKernel.FATTR_ATIME, FuseKernel.FATTR_ATIME_NOW, change.atime, change.atimensec);
        times[1] = Time(change.valid, FuseKernel.FATTR_MTIME, FuseKernel.FATTR_MTIME_NOW, change.mtime, change.mtimensec);
        // Safety: times is a two-element stack buffer, as futimens(3) reads.
        unsafe
        {
            fixed (Interop.Libc.timespec* pointer = times)
            {
                return BackingIo.Check(Interop.Libc.futimens(fd, pointer));
            }
        }

        static Interop.Libc.timespec Time(uint valid, uint setBit, uint nowBit, ulong seconds, uint nanoseconds) =>
            (valid & nowBit) != 0 ? new Interop.Libc.timespec { tv_nsec = UTIME_NOW }
            : (valid & setBit) != 0 ? new Interop.Libc.timespec { tv_sec = (long)seconds, tv_nsec = nanoseconds }
            : new Interop.Libc.timespec { tv_nsec = UTIME_OMIT };
    }

    /// <summary>Reads file data: held pages over the backing file. Returns bytes read or -errno.</summary>
    public long Read(Node node, Span<byte> destination, long offsetBytes)
    {
        int errno = PinFd(node);
        if (errno != 0)
        {
            return -errno;
        }
        using var pinned = new PinnedFd(node);
        lock (node.DataLock)
        {
            if (node.Overlay is null)
            {
                return BackingIo.ReadAt(node.Fd!, destination, offsetBytes);
            }
            return node.Overlay.Read(node.Fd!, destination, offsetBytes);
        }
    }

    /// <summary>Holds a write in memory. Returns 0 or errno.</summary>
    public int Write(Node node, ReadOnlySpan<byte> source, long offsetBytes)
    {
        int errno = PinFd(node);
        if (errno != 0)
        {
            return errno;
        }
        using var pinned = new PinnedFd(node);
        lock (node.DataLock)
        {
            errno = EnsureOverlay(node);
            return errno != 0 ? errno : node.Overlay!.Write(node.Fd!, source, offsetBytes);
        }
    }

    /// <summary>FSYNC: makes the file's data and length durable in the backing file. Returns 0 or errno.</summary>
    public int SyncFile(Node node, bool dataOnly, byte[] scratch)
    {
        lock (node.DataLock)
        {
            if (node.Kind != NodeKind.File || node.Overlay is not { IsDirty: true })
            {
                return 0;
            }
        }
        // A dirty overlay outlives an idle descriptor closed to stay within the limit: reopen it.
        int errno = PinFd(node);
        if (errno != 0)
        {
            return errno;
        }
        using var pinned = new PinnedFd(node);
        lock (node.DataLock)
        {
            return node.Overlay is { IsDirty: true } overlay ? overlay.Persist(node.Fd!, dataOnly, scratch) : 0;
        }
    }

    /// <summary>FALLOCATE: mode 0 extends the volatile length; FALLOC_FL_KEEP_SIZE alone changes nothing visible.</summary>
    public int Allocate(Node node, long offsetBytes, long lengthBytes, uint mode)
    {
        if (mode is not (0 or (uint)FALLOC_FL_KEEP_SIZE))
        {
            return Errno.EOPNOTSUPP;
        }
        if (offsetBytes < 0 || lengthBytes <= 0)
        {
            return Errno.EINVAL;
        }
        int errno = PinFd(node);
        if (errno != 0)
        {
            return errno;
        }
        using var pinned = new PinnedFd(node);
        lock (node.DataLock)
        {
            errno = EnsureOverlay(node);
            if (errno == 0 && mode == 0 && offsetBytes + lengthBytes > node.Overlay!.VolatileLengthBytes)
            {
                node.Overlay.SetLength(offsetBytes + lengthBytes);
            }
            return errno;
        }
    }

    /// <summary>READLINK.</summary>
    public int ReadLink(Node node, Span<byte> destination, out int lengthBytes)
    {
        lengthBytes = 0;
        if (node.Kind != NodeKind.Symlink)
        {
            return Errno.EINVAL;
        }
        int errno = PinFd(node);
        if (errno != 0)
        {
            return errno;
        }
        using var pinned = new PinnedFd(node);
        nint count;
        // Safety: the span is pinned for the call and its length is passed as the buffer size.
        unsafe
        {
            fixed (byte* pointer = destination)
            {
                count = Interop.Libc.readlinkat(node.Fd!, "", pointer, (nuint)destination.Length);
            }
        }
        if (count < 0)
        {
            return Interop.LastErrno;
        }
        lengthBytes = (int)count;
        return 0;
    }

    /// <summary>STATFS of the backing file system.</summary>
    public int StatFs(out Interop.StatVfs stat) =>
        Interop.Libc.FStatVfs(Root.Fd!, out stat);

    /// <summary>The path of a node relative to the mount root, as "/a/b", or null when it has no visible name.</summary>
    public string? VisiblePath(Node node)
    {
        lock (_tree)
        {
            if (node == Root)
            {
                return "/";
            }
            var parts = new List<string>();
            for (Node? current = node; current is not null && current != Root; current = current.VisibleParent)
            {
                if (current.VisibleName is null)
                {
                    return null;
                }
                parts.Add(DisplayName(current.VisibleName));
            }
            parts.Reverse();
            return "/" + string.Join('/', parts);
        }
    }


    private static int EnsureOverlay(Node node)
    {
        if (node.Overlay is not null)
        {
            return 0;
        }
        if (Interop.Libc.statx(node.Fd!, "", AT_EMPTY_PATH, STATX_BASIC_STATS, out Interop.StatxBuffer stat) != 0)
        {
            return Interop.LastErrno;
        }
        node.Overlay = new FileOverlay((long)stat.stx_size);
        return 0;
    }
}

/// <summary>Unpins a node's descriptor at the end of a scope (see <c>LossyTree.PinFd</c>).</summary>
internal readonly ref struct PinnedFd(Node node)
{
    /// <summary>Ends the pin.</summary>
    public void Dispose() => node.Unpin();
}
