using System.Runtime.InteropServices;

namespace Writeback.Native;

/// <summary>
/// The system calls the library makes, each returning 0 or the errno. Every call first asks the
/// optional <see cref="FaultInjector"/> (the test seam). EINTR is retried once here, and only for
/// the calls whose man page lists it (open(2), ftruncate(2), fsync(2)).
/// </summary>
internal static class SystemCalls
{
    internal const string Open = "open";
    internal const string FTruncate = "ftruncate";
    internal const string FSync = "fsync";
    internal const string MSync = "msync";
    internal const string SyncFileRange = "sync_file_range";
    internal const string MMap = "mmap";
    internal const string LSeek = "lseek";
    internal const string MAdvise = "madvise";
    internal const string MLock = "mlock";
    internal const string MUnlock = "munlock";
    internal const string Rename = "rename";
    internal const string Unlink = "unlink";
    internal const string Cachestat = "cachestat";

    /// <summary>open(2); on success <paramref name="fd"/> owns the descriptor. Retried once on EINTR.</summary>
    public static int OpenFile(FaultInjector? faults, string path, int flags, int mode, out SafeFileDescriptorHandle fd)
    {
        var errno = OpenOnce(faults, path, flags, mode, out fd);
        return errno == Errno.EINTR ? OpenOnce(faults, path, flags, mode, out fd) : errno;
    }

    /// <summary>ftruncate(2). Retried once on EINTR.</summary>
    public static int Truncate(FaultInjector? faults, SafeFileDescriptorHandle fd, long lengthBytes)
    {
        var errno = TruncateOnce(faults, fd, lengthBytes);
        return errno == Errno.EINTR ? TruncateOnce(faults, fd, lengthBytes) : errno;
    }

    /// <summary>fsync(2). A descriptor number, not a handle, so directory descriptors fit too. Retried once on EINTR.</summary>
    public static int Fsync(FaultInjector? faults, int fd)
    {
        var errno = FsyncOnce(faults, fd);
        return errno == Errno.EINTR ? FsyncOnce(faults, fd) : errno;
    }

    private static int OpenOnce(FaultInjector? faults, string path, int flags, int mode, out SafeFileDescriptorHandle fd)
    {
        fd = new SafeFileDescriptorHandle();
        if (Injected(faults, Open) is var injected and not 0)
        {
            return injected;
        }
        var result = Interop.Libc.open(path, flags | Interop.Libc.O_CLOEXEC, mode);
        if (result < 0)
        {
            return Marshal.GetLastPInvokeError();
        }
        fd = new SafeFileDescriptorHandle(result);
        return 0;
    }

    private static int TruncateOnce(FaultInjector? faults, SafeFileDescriptorHandle fd, long lengthBytes) =>
        Injected(faults, FTruncate) is var injected and not 0 ? injected
        : Interop.Libc.ftruncate(fd.Fd, lengthBytes) < 0 ? Marshal.GetLastPInvokeError() : 0;

    private static int FsyncOnce(FaultInjector? faults, int fd) =>
        Injected(faults, FSync) is var injected and not 0 ? injected
        : Interop.Libc.fsync(fd) < 0 ? Marshal.GetLastPInvokeError() : 0;

    /// <summary>msync(2) with MS_SYNC. msync(2) does not list EINTR, so it is never retried.</summary>
    public static int MsyncSync(FaultInjector? faults, nint address, long lengthBytes)
    {
        if (Injected(faults, MSync) is var injected and not 0)
        {
            return injected;
        }
        // Safety: callers pass a page-aligned range inside the file mapping they own; msync only reads the page tables.
        unsafe
        {
            return Interop.Libc.msync((void*)address, (nuint)lengthBytes, Interop.Libc.MS_SYNC) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }

    /// <summary>sync_file_range(2) with SYNC_FILE_RANGE_WRITE only: starts writeback, waits for nothing.</summary>
    public static int StartWriteback(FaultInjector? faults, SafeFileDescriptorHandle fd, long offsetBytes, long lengthBytes)
    {
        if (Injected(faults, SyncFileRange) is var injected and not 0)
        {
            return injected;
        }
        return Interop.Libc.sync_file_range(fd.Fd, offsetBytes, lengthBytes, Interop.Libc.SYNC_FILE_RANGE_WRITE) < 0
            ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>mmap(2); <paramref name="address"/> is the mapping on success.</summary>
    public static int Map(FaultInjector? faults, nint hint, long lengthBytes, int prot, int flags, int fd, long offsetBytes, out nint address)
    {
        address = 0;
        if (Injected(faults, MMap) is var injected and not 0)
        {
            return injected;
        }
        // Safety: a non-zero hint is only passed with MAP_FIXED over a part of a reservation the
        // caller owns (never over memory it does not), so MAP_FIXED cannot clobber foreign mappings.
        unsafe
        {
            var result = Interop.Libc.mmap((void*)hint, (nuint)lengthBytes, prot, flags, fd, offsetBytes);
            if (result == Interop.Libc.MAP_FAILED)
            {
                return Marshal.GetLastPInvokeError();
            }
            address = (nint)result;
            return 0;
        }
    }

    /// <summary>lseek(fd, 0, SEEK_END): the file's length.</summary>
    public static int FileLength(FaultInjector? faults, SafeFileDescriptorHandle fd, out long lengthBytes)
    {
        lengthBytes = 0;
        if (Injected(faults, LSeek) is var injected and not 0)
        {
            return injected;
        }
        lengthBytes = Interop.Libc.lseek(fd.Fd, 0, Interop.Libc.SEEK_END);
        return lengthBytes < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>madvise(2).</summary>
    public static int Advise(FaultInjector? faults, nint address, long lengthBytes, int advice)
    {
        if (Injected(faults, MAdvise) is var injected and not 0)
        {
            return injected;
        }
        // Safety: a page-aligned range inside the caller's mapping; the advice values exposed
        // (MemoryAdvice) never discard the contents of a shared file mapping.
        unsafe
        {
            return Interop.Libc.madvise((void*)address, (nuint)lengthBytes, advice) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }

    /// <summary>mlock(2) when <paramref name="lockPages"/>, else munlock(2).</summary>
    public static int LockPages(FaultInjector? faults, nint address, long lengthBytes, bool lockPages)
    {
        if (Injected(faults, lockPages ? MLock : MUnlock) is var injected and not 0)
        {
            return injected;
        }
        // Safety: a page-aligned range inside the caller's mapping; (un)locking does not touch its contents.
        unsafe
        {
            var result = lockPages
                ? Interop.Libc.mlock((void*)address, (nuint)lengthBytes)
                : Interop.Libc.munlock((void*)address, (nuint)lengthBytes);
            return result < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }

    /// <summary>rename(2).</summary>
    public static int RenamePath(FaultInjector? faults, string sourcePath, string targetPath)
    {
        if (Injected(faults, Rename) is var injected and not 0)
        {
            return injected;
        }
        return Interop.Libc.rename(sourcePath, targetPath) < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>unlink(2).</summary>
    public static int UnlinkPath(FaultInjector? faults, string path)
    {
        if (Injected(faults, Unlink) is var injected and not 0)
        {
            return injected;
        }
        return Interop.Libc.unlink(path) < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>cachestat(2) on [offsetBytes, offsetBytes + lengthBytes); a length of 0 means "to the end of the file".</summary>
    public static int PageCacheState(FaultInjector? faults, SafeFileDescriptorHandle fd, long offsetBytes, long lengthBytes, out Interop.Libc.cachestat state)
    {
        state = default;
        if (Injected(faults, Cachestat) is var injected and not 0)
        {
            return injected;
        }
        var range = new Interop.Libc.cachestat_range { off = (ulong)offsetBytes, len = (ulong)lengthBytes };
        Interop.Libc.cachestat result;
        // Safety: both structs are locals of this frame, unmanaged and fixed, for the duration of the call.
        unsafe
        {
            if (Interop.Libc.syscall_cachestat(Interop.Libc.SYS_cachestat, (uint)fd.Fd, &range, &result, 0) < 0)
            {
                return Marshal.GetLastPInvokeError();
            }
        }
        state = result;
        return 0;
    }

    private static int Injected(FaultInjector? faults, string operation) => faults is null ? 0 : faults.Check(operation);
}
