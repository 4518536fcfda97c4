using System.Runtime.InteropServices;
using Writeback.Backends;
using Writeback.Native;

namespace Writeback.Linux;

/// <summary>
/// The Linux backend: open(2), an address-space reservation from mmap(2) with the file mapped into
/// it, msync(2)/fsync(2) for durability on the caller's thread, the process's
/// <see cref="DurabilityEngine"/> (io_uring or a small pool) for asynchronous work, cachestat(2) for
/// introspection. EINTR is handled by the interop wrappers (Interop.Eintr).
/// </summary>
internal sealed class LinuxBackend : IMappingBackend
{
    private const int CreateMode = 0b110_110_110; // 0666, masked by the process umask as open(2) does.
    private const int ReservationFlags = Interop.Libc.MAP_PRIVATE | Interop.Libc.MAP_ANONYMOUS | Interop.Libc.MAP_NORESERVE;

    /// <inheritdoc/>
    public long MaxAsyncRequestBytes => DurabilityEngine.Shared.MaxRequestBytes;

    /// <inheritdoc/>
    public string NameOf(NativeCall call) => call switch
    {
        NativeCall.Open => SystemCalls.Open,
        NativeCall.SetFileLength => SystemCalls.FTruncate,
        NativeCall.GetFileLength => SystemCalls.LSeek,
        NativeCall.Reserve or NativeCall.Map => SystemCalls.MMap,
        NativeCall.SyncRange => SystemCalls.MSync,
        NativeCall.SyncFile => SystemCalls.FSync,
        NativeCall.QueryPageCache => SystemCalls.Cachestat,
        NativeCall.Advise => SystemCalls.MAdvise,
        NativeCall.Lock => SystemCalls.MLock,
        NativeCall.Unlock => SystemCalls.MUnlock,
        NativeCall.Unlink => SystemCalls.Unlink,
        NativeCall.Rename => SystemCalls.Rename,
        NativeCall.StartWritebackAsync => DurabilityEngine.Shared.NameOf(AsyncOperation.StartWriteback),
        NativeCall.SyncRangeAsync => DurabilityEngine.Shared.NameOf(AsyncOperation.SyncRange),
        NativeCall.SyncFileAsync => DurabilityEngine.Shared.NameOf(AsyncOperation.SyncFile),
        _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
    };

    /// <inheritdoc/>
    /// <remarks>
    /// OpenOrCreate first opens without O_CREAT, then creates with O_EXCL (and opens once more if
    /// another process created it in between), so it knows whether it created the file.
    /// </remarks>
    public int Open(string path, MappedFileOptions options, out SafeHandle file, out bool created)
    {
        var flags = OpenFlags(options);
        created = false;
        int errno;
        SafeFileDescriptorHandle fd;
        if (options.Mode == FileMode.OpenOrCreate)
        {
            var openFlags = flags & ~Interop.Libc.O_CREAT;
            errno = Interop.Libc.Open(path, openFlags, CreateMode, out fd);
            if (errno == Errno.ENOENT)
            {
                errno = Interop.Libc.Open(path, flags | Interop.Libc.O_EXCL, CreateMode, out fd);
                created = errno == 0;
                if (errno == Errno.EEXIST)
                {
                    errno = Interop.Libc.Open(path, openFlags, CreateMode, out fd);
                }
            }
        }
        else
        {
            errno = Interop.Libc.Open(path, flags, CreateMode, out fd);
            created = errno == 0 && options.Mode == FileMode.CreateNew;
        }
        file = fd;
        return errno;
    }

    /// <inheritdoc/>
    public int OpenDirectory(string path, out SafeHandle directory)
    {
        var errno = Interop.Libc.Open(path, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY, 0, out var fd);
        directory = fd;
        return errno;
    }

    private static int OpenFlags(MappedFileOptions options)
    {
        var flags = options.Access == FileAccess.Read ? Interop.Libc.O_RDONLY : Interop.Libc.O_RDWR;
        return flags | options.Mode switch
        {
            FileMode.CreateNew => Interop.Libc.O_CREAT | Interop.Libc.O_EXCL,
            FileMode.Create => Interop.Libc.O_CREAT | Interop.Libc.O_TRUNC,
            FileMode.OpenOrCreate => Interop.Libc.O_CREAT,
            FileMode.Truncate => Interop.Libc.O_TRUNC,
            _ => 0,
        };
    }

    /// <inheritdoc/>
    public int SetFileLength(SafeHandle file, long lengthBytes) => Interop.Libc.FTruncate(Fd(file), lengthBytes);

    /// <inheritdoc/>
    public int GetFileLength(SafeHandle file, out long lengthBytes)
    {
        lengthBytes = Interop.Libc.lseek(Fd(file), 0, Interop.Libc.SEEK_END);
        var errno = Interop.Eintr.NoRetry(lengthBytes);
        lengthBytes = Math.Max(lengthBytes, 0);
        return errno;
    }

    /// <inheritdoc/>
    /// <remarks>mmap(NULL, reserved, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE): no memory and no swap is committed.</remarks>
    public int Reserve(long reservedBytes, out SafeMappingHandle reservation)
    {
        var errno = MapAt(0, reservedBytes, Interop.Libc.PROT_NONE, ReservationFlags, SafeFileDescriptorHandle.None, 0, out var address);
        reservation = errno == 0 ? new SafeMappingHandle(address, reservedBytes) : new SafeMappingHandle();
        return errno;
    }

    /// <inheritdoc/>
    public int Map(SafeHandle file, nint address, long offsetBytes, long lengthBytes, bool writable)
    {
        var protection = writable ? Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE : Interop.Libc.PROT_READ;
        return MapAt(address, lengthBytes, protection, Interop.Libc.MAP_SHARED | Interop.Libc.MAP_FIXED, Fd(file), offsetBytes, out _);
    }

    /// <inheritdoc/>
    public int Unmap(nint address, long lengthBytes) =>
        MapAt(address, lengthBytes, Interop.Libc.PROT_NONE, ReservationFlags | Interop.Libc.MAP_FIXED, SafeFileDescriptorHandle.None, 0, out _);

    private static int MapAt(nint hint, long lengthBytes, int prot, int flags, SafeFileDescriptorHandle fd, long offsetBytes, out nint address)
    {
        // Safety: a non-zero hint is only passed with MAP_FIXED over a part of a reservation the
        // caller owns (never over memory it does not), so MAP_FIXED cannot clobber foreign mappings.
        unsafe
        {
            var result = Interop.Libc.mmap((void*)hint, (nuint)lengthBytes, prot, flags, fd, offsetBytes);
            address = result == Interop.Libc.MAP_FAILED ? 0 : (nint)result;
            return result == Interop.Libc.MAP_FAILED ? Marshal.GetLastPInvokeError() : 0;
        }
    }

    /// <inheritdoc/>
    /// <remarks>msync(2) with MS_SYNC. msync(2) does not list EINTR, so it is never restarted.</remarks>
    public int SyncRange(nint address, long lengthBytes) => MsyncSync(address, lengthBytes);

    /// <summary>msync(MS_SYNC) on a page-aligned range inside a mapping the caller owns.</summary>
    internal static int MsyncSync(nint address, long lengthBytes)
    {
        // Safety: callers pass a page-aligned range inside the file mapping they own; msync only reads the page tables.
        unsafe
        {
            return Interop.Eintr.NoRetry(Interop.Libc.msync((void*)address, (nuint)lengthBytes, Interop.Libc.MS_SYNC));
        }
    }

    /// <inheritdoc/>
    public int SyncFile(SafeHandle file) => Interop.Libc.FSync(Fd(file));

    /// <inheritdoc/>
    public void Submit(in AsyncRequest request) => DurabilityEngine.Shared.Submit(request);

    /// <inheritdoc/>
    public int QueryPageCache(SafeHandle file, long offsetBytes, long lengthBytes, out PageCacheState state)
    {
        state = default;
        var range = new Interop.Libc.cachestat_range { off = (ulong)offsetBytes, len = (ulong)lengthBytes };
        Interop.Libc.cachestat result;
        // Safety: both structs are locals of this frame, unmanaged and fixed, for the duration of the call.
        unsafe
        {
            var errno = Interop.Eintr.NoRetry(Interop.Libc.syscall_cachestat(Interop.Libc.SYS_cachestat, Fd(file), &range, &result, 0));
            if (errno != 0)
            {
                return errno;
            }
        }
        state = new PageCacheState((long)result.nr_cache, (long)result.nr_dirty, (long)result.nr_writeback,
                                   (long)result.nr_evicted, (long)result.nr_recently_evicted);
        return 0;
    }

    /// <inheritdoc/>
    public int Advise(nint address, long lengthBytes, MemoryAdvice advice)
    {
        var native = advice switch
        {
            MemoryAdvice.Normal => Interop.Libc.MADV_NORMAL,
            MemoryAdvice.Random => Interop.Libc.MADV_RANDOM,
            MemoryAdvice.Sequential => Interop.Libc.MADV_SEQUENTIAL,
            MemoryAdvice.WillNeed => Interop.Libc.MADV_WILLNEED,
            MemoryAdvice.DontNeed => Interop.Libc.MADV_DONTNEED,
            MemoryAdvice.PageOut => Interop.Libc.MADV_PAGEOUT,
            _ => throw new ArgumentOutOfRangeException(nameof(advice), advice, "Not a defined MemoryAdvice value."),
        };
        // Safety: a page-aligned range inside the caller's mapping; the advice values exposed
        // (MemoryAdvice) never discard the contents of a shared file mapping.
        unsafe
        {
            return Interop.Eintr.NoRetry(Interop.Libc.madvise((void*)address, (nuint)lengthBytes, native));
        }
    }

    /// <inheritdoc/>
    public int Lock(nint address, long lengthBytes, bool lockPages)
    {
        // Safety: a page-aligned range inside the caller's mapping; (un)locking does not touch its contents.
        unsafe
        {
            return Interop.Eintr.NoRetry(lockPages
                ? Interop.Libc.mlock((void*)address, (nuint)lengthBytes)
                : Interop.Libc.munlock((void*)address, (nuint)lengthBytes));
        }
    }

    /// <inheritdoc/>
    public int Unlink(string path) => Interop.Eintr.NoRetry(Interop.Libc.unlink(path));

    /// <inheritdoc/>
    public int Rename(string sourcePath, string targetPath) => Interop.Eintr.NoRetry(Interop.Libc.rename(sourcePath, targetPath));

    private static SafeFileDescriptorHandle Fd(SafeHandle file) => (SafeFileDescriptorHandle)file;
}
