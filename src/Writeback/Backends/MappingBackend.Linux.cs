using System.Runtime.InteropServices;
using Writeback.Backends.Linux;
using Writeback.Native;

namespace Writeback.Backends;

// The Linux backend: open(2), an address-space reservation from mmap(2) with the file mapped into
// it, msync(2)/fsync(2) for durability on the caller's thread, the process's durability engine
// (io_uring, or a small pool) for asynchronous work, cachestat(2) for introspection. EINTR is
// handled by the interop wrappers (Interop.Eintr). Each call goes straight to its interop wrapper:
// Flush(offset, length) reaches msync(2) through MappedFile.Flush.cs, this file and Interop.MSync.cs.
internal partial class MappingBackend
{
    /// <summary>The environment variable that, set to 0, forces the thread-pool engine.</summary>
    public const string IoUringVariable = "WRITEBACK_IO_URING";

    /// <summary>The AppContext switch (runtimeconfig.json) that, set to true, forces the thread-pool engine.</summary>
    public const string DisableIoUringSwitch = "Writeback.DisableIoUring";

    private const int CreateMode = 0b110_110_110; // 0666, masked by the process umask as open(2) does.
    private const int ReservationFlags = Interop.Libc.MAP_PRIVATE | Interop.Libc.MAP_ANONYMOUS | Interop.Libc.MAP_NORESERVE;

    private static readonly Lazy<DurabilityEngine> s_engine = new(CreateEngine);

    /// <summary>
    /// The process's durability engine, created on first use: io_uring where the kernel allows it
    /// (<see cref="IoUringEngine"/>); where io_uring is missing or refused (before Linux 5.6,
    /// <c>kernel.io_uring_disabled</c>, a container's seccomp profile), or forced off with the
    /// environment variable <c>WRITEBACK_IO_URING=0</c> or the runtime switch
    /// <c>Writeback.DisableIoUring</c>, a small fixed pool of threads (<see cref="PoolEngine"/>).
    /// </summary>
    public virtual DurabilityEngine Engine => s_engine.Value;

    /// <summary>Why io_uring is not used, or null when it is (or the engine has not started).</summary>
    public static string? IoUringUnavailableReason { get; private set; }

    /// <summary>The name of <paramref name="call"/> on this system, as error messages show it (<c>msync</c>).</summary>
    public virtual string NameOf(NativeCall call) => call switch
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
        NativeCall.StartWritebackAsync => Engine.NameOf(AsyncOperation.StartWriteback),
        NativeCall.SyncRangeAsync => Engine.NameOf(AsyncOperation.SyncRange),
        NativeCall.SyncFileAsync => Engine.NameOf(AsyncOperation.SyncFile),
        _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
    };

    /// <summary>Opens or creates the file as <paramref name="options"/> say; reports whether this call created it.</summary>
    /// <remarks>
    /// OpenOrCreate first opens without O_CREAT, then creates with O_EXCL (and opens once more if
    /// another process created it in between), so it knows whether it created the file.
    /// </remarks>
    public virtual int Open(string path, MappedFileOptions options, out SafeHandle file, out bool created)
    {
        int flags = OpenFlags(options);
        created = false;
        int errno;
        SafeFileDescriptorHandle fd;
        if (options.Mode == FileMode.OpenOrCreate)
        {
            int openFlags = flags & ~Interop.Libc.O_CREAT;
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

    /// <summary>Opens a directory so it can be synced.</summary>
    public virtual int OpenDirectory(string path, out SafeHandle directory)
    {
        int errno = Interop.Libc.Open(path, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY, 0, out SafeFileDescriptorHandle? fd);
        directory = fd;
        return errno;
    }

    private static int OpenFlags(MappedFileOptions options)
    {
        int flags = options.Access == FileAccess.Read ? Interop.Libc.O_RDONLY : Interop.Libc.O_RDWR;
        return flags | options.Mode switch
        {
            FileMode.CreateNew => Interop.Libc.O_CREAT | Interop.Libc.O_EXCL,
            FileMode.Create => Interop.Libc.O_CREAT | Interop.Libc.O_TRUNC,
            FileMode.OpenOrCreate => Interop.Libc.O_CREAT,
            FileMode.Truncate => Interop.Libc.O_TRUNC,
            _ => 0,
        };
    }

    /// <summary>Sets the file's length (ftruncate(2)).</summary>
    public virtual int SetFileLength(SafeHandle file, long lengthBytes) => Interop.Libc.FTruncate(Fd(file), lengthBytes);

    /// <summary>Reads the file's length (lseek(2) to the end).</summary>
    public virtual int GetFileLength(SafeHandle file, out long lengthBytes)
    {
        lengthBytes = Interop.Libc.lseek(Fd(file), 0, Interop.Libc.SEEK_END);
        int errno = Interop.Eintr.NoRetry(lengthBytes);
        lengthBytes = Math.Max(lengthBytes, 0);
        return errno;
    }

    /// <summary>Reserves address space only: no memory and no file behind it.</summary>
    /// <remarks>mmap(NULL, reserved, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE): no memory and no swap is committed.</remarks>
    public virtual int Reserve(long reservedBytes, out SafeMappingHandle reservation)
    {
        int errno = MapAt(0, reservedBytes, Interop.Libc.PROT_NONE, ReservationFlags, SafeFileDescriptorHandle.None, 0, out nint address);
        reservation = errno == 0 ? new SafeMappingHandle(address, reservedBytes) : new SafeMappingHandle();
        return errno;
    }

    /// <summary>Maps the file's page-aligned range at <paramref name="address"/>, inside a reservation.</summary>
    public virtual int Map(SafeHandle file, nint address, long offsetBytes, long lengthBytes, bool writable)
    {
        int protection = writable ? Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE : Interop.Libc.PROT_READ;
        return MapAt(address, lengthBytes, protection, Interop.Libc.MAP_SHARED | Interop.Libc.MAP_FIXED, Fd(file), offsetBytes, out _);
    }

    /// <summary>Puts the reservation back over a mapped range; dirty pages stay in the page cache.</summary>
    public virtual int Unmap(nint address, long lengthBytes) =>
        MapAt(address, lengthBytes, Interop.Libc.PROT_NONE, ReservationFlags | Interop.Libc.MAP_FIXED, SafeFileDescriptorHandle.None, 0, out _);

    private static int MapAt(nint hint, long lengthBytes, int prot, int flags, SafeFileDescriptorHandle fd, long offsetBytes, out nint address)
    {
        // Safety: a non-zero hint is only passed with MAP_FIXED over a part of a reservation the
        // caller owns (never over memory it does not), so MAP_FIXED cannot clobber foreign mappings.
        unsafe
        {
            void* result = Interop.Libc.mmap((void*)hint, (nuint)lengthBytes, prot, flags, fd, offsetBytes);
            address = result == Interop.Libc.MAP_FAILED ? 0 : (nint)result;
            return result == Interop.Libc.MAP_FAILED ? Interop.LastErrno : 0;
        }
    }

    /// <summary>Makes the mapped range durable, waiting on the caller's thread (msync(MS_SYNC)).</summary>
    /// <remarks>msync(2) with MS_SYNC. msync(2) does not list EINTR, so it is never restarted.</remarks>
    public virtual int SyncRange(nint address, long lengthBytes) => Interop.Libc.MSync(address, lengthBytes, Interop.Libc.MS_SYNC);

    /// <summary>Makes the whole file's data and metadata durable (fsync(2)).</summary>
    public virtual int SyncFile(SafeHandle file) => Interop.Libc.FSync(Fd(file));

    /// <summary>Page-cache state of a byte range (cachestat(2)); a length of 0 means "to the end of the file".</summary>
    public virtual int QueryPageCache(SafeHandle file, long offsetBytes, long lengthBytes, out PageCacheState state)
    {
        state = default;
        var range = new Interop.Libc.cachestat_range { off = (ulong)offsetBytes, len = (ulong)lengthBytes };
        Interop.Libc.cachestat result;
        // Safety: both structs are locals of this frame, unmanaged and fixed, for the duration of the call.
        unsafe
        {
            int errno = Interop.Eintr.NoRetry(Interop.Libc.syscall_cachestat(Interop.Libc.SYS_cachestat, Fd(file), &range, &result, 0));
            if (errno != 0)
            {
                return errno;
            }
        }
        state = new PageCacheState((long)result.nr_cache, (long)result.nr_dirty, (long)result.nr_writeback,
                                   (long)result.nr_evicted, (long)result.nr_recently_evicted);
        return 0;
    }

    /// <summary>Passes advice for the mapped range (madvise(2)).</summary>
    public virtual int Advise(nint address, long lengthBytes, MemoryAdvice advice)
    {
        int native = advice switch
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

    /// <summary>Locks (mlock(2)) or unlocks (munlock(2)) the mapped range.</summary>
    public virtual int Lock(nint address, long lengthBytes, bool lockPages)
    {
        // Safety: a page-aligned range inside the caller's mapping; (un)locking does not touch its contents.
        unsafe
        {
            return Interop.Eintr.NoRetry(lockPages
                ? Interop.Libc.mlock((void*)address, (nuint)lengthBytes)
                : Interop.Libc.munlock((void*)address, (nuint)lengthBytes));
        }
    }

    /// <summary>Removes a name (unlink(2)).</summary>
    public virtual int Unlink(string path) => Interop.Eintr.NoRetry(Interop.Libc.unlink(path));

    /// <summary>Renames atomically, replacing the target (rename(2)).</summary>
    public virtual int Rename(string sourcePath, string targetPath) => Interop.Eintr.NoRetry(Interop.Libc.rename(sourcePath, targetPath));

    private static SafeFileDescriptorHandle Fd(SafeHandle file) => (SafeFileDescriptorHandle)file;

    private static DurabilityEngine CreateEngine()
    {
        if (Environment.GetEnvironmentVariable(IoUringVariable) is "0" or "false" or "off"
            || (AppContext.TryGetSwitch(DisableIoUringSwitch, out bool disabled) && disabled))
        {
            IoUringUnavailableReason = $"forced off ({IoUringVariable}=0 or {DisableIoUringSwitch})";
            return new PoolEngine();
        }
        var engine = IoUringEngine.TryStart(out int errno);
        if (engine is not null)
        {
            return engine;
        }
        IoUringUnavailableReason = $"io_uring_setup failed: {ErrnoName.Of(errno)}";
        return new PoolEngine();
    }
}
