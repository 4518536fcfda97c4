using Writeback.Native;

namespace Writeback;

// The Linux backend: open(2), an address-space reservation from mmap(2) with the file mapped into
// its start, msync(2)/fsync(2)/sync_file_range(2) for durability, cachestat(2) for introspection.
public sealed partial class MappedFile
{
    private const int CreateMode = 0b110_110_110; // 0666, masked by the process umask as open(2) does.

    private static MappedFile OpenLinux(string path, MappedFileOptions options, FaultInjector? faults)
    {
        var fd = OpenOrCreate(faults, path, options, out var created);
        SafeMappingHandle? mapping = null;
        try
        {
            var lengthBytes = SetInitialLength(faults, fd, path, options);
            var reservedBytes = RoundUpToPage(Math.Max(lengthBytes, options.MaxLength ?? Math.Max(lengthBytes, DefaultMaxLength)));
            if (options.MaxLength is { } maxLength && maxLength < lengthBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(options), maxLength,
                    $"MappedFileOptions.MaxLength ({maxLength}) is below the length of '{path}' ({lengthBytes} bytes).");
            }
            mapping = Reserve(faults, path, reservedBytes);
            var file = new MappedFile(path, options, faults, fd, mapping, lengthBytes);
            if (lengthBytes > 0)
            {
                file.MapFileRange(0, RoundUpToPage(lengthBytes));
            }
            if (options.ReportDirtyOutsideRange)
            {
                // Fail at open, not after the first successful flush, when the kernel cannot audit.
                file.QueryPageCache(0, 0);
            }
            return file;
        }
        catch
        {
            mapping?.Dispose();
            fd.Dispose();
            if (created)
            {
                // No partial state: a file this failed open created is removed again.
                _ = SystemCalls.UnlinkPath(faults, path);
            }
            throw;
        }
    }

    // open(2) as the mode says; reports whether this call created the file, so a failed open can
    // remove it. OpenOrCreate first tries without O_CREAT, then creates with O_EXCL (and retries
    // the plain open once if another process created it in between).
    private static SafeFileDescriptorHandle OpenOrCreate(FaultInjector? faults, string path, MappedFileOptions options, out bool created)
    {
        var flags = OpenFlags(options);
        created = false;
        int errno;
        SafeFileDescriptorHandle fd;
        if (options.Mode == FileMode.OpenOrCreate)
        {
            var openFlags = flags & ~Interop.Libc.O_CREAT;
            errno = SystemCalls.OpenFile(faults, path, openFlags, CreateMode, out fd);
            if (errno == Errno.ENOENT)
            {
                errno = SystemCalls.OpenFile(faults, path, flags | Interop.Libc.O_EXCL, CreateMode, out fd);
                created = errno == 0;
                if (errno == Errno.EEXIST)
                {
                    errno = SystemCalls.OpenFile(faults, path, openFlags, CreateMode, out fd);
                }
            }
        }
        else
        {
            errno = SystemCalls.OpenFile(faults, path, flags, CreateMode, out fd);
            created = errno == 0 && options.Mode == FileMode.CreateNew;
        }
        Errors.ThrowIfFailed(errno, SystemCalls.Open, path, resolvesPath: true);
        return fd;
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

    private static long SetInitialLength(FaultInjector? faults, SafeFileDescriptorHandle fd, string path, MappedFileOptions options)
    {
        if (options.Length is { } length)
        {
            Errors.ThrowIfFailed(SystemCalls.Truncate(faults, fd, length), SystemCalls.FTruncate, path, length: length);
        }
        Errors.ThrowIfFailed(SystemCalls.FileLength(faults, fd, out var lengthBytes), SystemCalls.LSeek, path);
        return lengthBytes;
    }

    // mmap(NULL, reserved, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE): address space only,
    // no memory and no swap is committed for it.
    private static SafeMappingHandle Reserve(FaultInjector? faults, string path, long reservedBytes)
    {
        var errno = SystemCalls.Map(faults, 0, reservedBytes, Interop.Libc.PROT_NONE, ReservationFlags, -1, 0, out var address);
        Errors.ThrowIfFailed(errno, SystemCalls.MMap, path, 0, reservedBytes);
        return new SafeMappingHandle(address, reservedBytes);
    }

    private const int ReservationFlags = Interop.Libc.MAP_PRIVATE | Interop.Libc.MAP_ANONYMOUS | Interop.Libc.MAP_NORESERVE;

    private static long RoundUpToPage(long bytes)
    {
        long pageSize = Environment.SystemPageSize;
        return (bytes + pageSize - 1) & ~(pageSize - 1);
    }

    private int Protection => _writable ? Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE : Interop.Libc.PROT_READ;

    // Maps the file's page-aligned range [start, end) over the reservation at the same offset.
    private void MapFileRange(long startBytes, long endBytes)
    {
        var errno = SystemCalls.Map(_faults, _baseAddress + (nint)startBytes, endBytes - startBytes, Protection,
                                    Interop.Libc.MAP_SHARED | Interop.Libc.MAP_FIXED, _fd.Fd, startBytes, out _);
        ThrowIfFailed(errno, SystemCalls.MMap, startBytes, endBytes - startBytes);
    }

    // Puts the PROT_NONE reservation back over [start, end), dropping the file mapping there.
    // Dirty pages stay in the page cache: unmapping a shared mapping loses no data.
    private int UnmapFileRange(long startBytes, long endBytes) =>
        SystemCalls.Map(_faults, _baseAddress + (nint)startBytes, endBytes - startBytes, Interop.Libc.PROT_NONE,
                        ReservationFlags | Interop.Libc.MAP_FIXED, -1, 0, out _);

    private void SetLengthCore(long newLengthBytes)
    {
        var oldLengthBytes = Length;
        long oldMappedBytes = RoundUp(oldLengthBytes), newMappedBytes = RoundUp(newLengthBytes);
        if (newLengthBytes >= oldLengthBytes)
        {
            ThrowIfFailed(SystemCalls.Truncate(_faults, _fd, newLengthBytes), SystemCalls.FTruncate, null, newLengthBytes);
            if (newMappedBytes > oldMappedBytes)
            {
                try
                {
                    MapFileRange(oldMappedBytes, newMappedBytes);
                }
                catch
                {
                    // No partial state: give the file its old length back (it only had zeros appended).
                    _ = SystemCalls.Truncate(_faults, _fd, oldLengthBytes);
                    throw;
                }
            }
        }
        else
        {
            // Unmap first, then truncate: if the truncate fails the file is mapped back and unchanged.
            if (newMappedBytes < oldMappedBytes)
            {
                ThrowIfFailed(UnmapFileRange(newMappedBytes, oldMappedBytes), SystemCalls.MMap, newMappedBytes, oldMappedBytes - newMappedBytes);
            }
            var errno = SystemCalls.Truncate(_faults, _fd, newLengthBytes);
            if (errno != 0)
            {
                if (newMappedBytes < oldMappedBytes)
                {
                    MapFileRange(newMappedBytes, oldMappedBytes);
                }
                ThrowIfFailed(errno, SystemCalls.FTruncate, null, newLengthBytes);
            }
        }
        Volatile.Write(ref _lengthBytes, newLengthBytes);
    }

    // msync(MS_SYNC) on the page-aligned [start, end); poisons on failure.
    private WritebackException? SyncRange(long startBytes, long endBytes, bool throwOnError)
    {
        var timestamp = WritebackMetrics.StartTiming();
        var errno = SystemCalls.MsyncSync(_faults, _baseAddress + (nint)startBytes, endBytes - startBytes);
        if (errno != 0)
        {
            var failure = Poison(errno, SystemCalls.MSync, startBytes, endBytes - startBytes);
            return throwOnError ? throw failure : failure;
        }
        WritebackMetrics.RecordFlush(SystemCalls.MSync, endBytes - startBytes, timestamp);
        return null;
    }

    private WritebackException? FlushFileCore(bool throwOnError = true)
    {
        var mappedBytes = MappedBytes;
        if (mappedBytes > 0 && SyncRange(0, mappedBytes, throwOnError) is { } failure)
        {
            return failure;
        }
        var timestamp = WritebackMetrics.StartTiming();
        var errno = SystemCalls.Fsync(_faults, _fd.Fd);
        if (errno != 0)
        {
            var fsyncFailure = Poison(errno, SystemCalls.FSync, null, null);
            return throwOnError ? throw fsyncFailure : fsyncFailure;
        }
        WritebackMetrics.RecordFlush(SystemCalls.FSync, 0, timestamp);
        return null;
    }

    /// <summary>Called by the group-commit flusher for one merged range; returns the failure instead of throwing.</summary>
    internal Exception? FlushRangeForGroup(long startBytes, long endBytes)
    {
        if (GroupFailure() is { } failure)
        {
            return failure;
        }
        // The file may have shrunk since the request was queued (SetLength is the caller's to order).
        endBytes = Math.Min(endBytes, MappedBytes);
        if (startBytes >= endBytes)
        {
            return null;
        }
        var syncFailure = SyncRange(startBytes, endBytes, throwOnError: false);
        if (syncFailure is null && _reportDirtyOutsideRange)
        {
            try
            {
                ReportDirtyOutside(startBytes, endBytes);
            }
#pragma warning disable CA1031 // Any failure of the audit (cachestat, or an event handler) must not fail a durable flush.
            catch (Exception)
#pragma warning restore CA1031
            {
                // Auditing failed; the flush itself succeeded and its waiters must learn that. An
                // exception escaping here would end the flusher thread and the process with it.
            }
        }
        return syncFailure ?? FailureSinceGroupStarted();
    }

    /// <summary>Called by the group-commit flusher in <see cref="FlushSemantics.WholeFile"/> mode.</summary>
    internal Exception? FlushFileForGroup() => GroupFailure() ?? FlushFileCore(throwOnError: false) ?? FailureSinceGroupStarted();

    // Another call can be in flight at once (a synchronous Flush on a caller's thread). When it
    // failed while this group's call was running, this group's waiters fail too, with the original
    // error: a writeback error is reported through the file's error sequence to only one of
    // concurrent callers (fsync(2)), so this call's 0 does not prove the pages reached the device.
    private Exception? FailureSinceGroupStarted() =>
        Volatile.Read(ref _poison) is { } poison ? Repeat(poison) : null;

    // Why a queued request cannot be flushed: the file is poisoned, or a handler on the flusher
    // thread disposed it (the mapping and descriptor are gone).
    private Exception? GroupFailure() =>
        Volatile.Read(ref _closed) != 0 ? new ObjectDisposedException(Path)
        : Volatile.Read(ref _poison) is { } poison ? Repeat(poison) : null;

    /// <summary>
    /// Called by the background writer: sync_file_range(SYNC_FILE_RANGE_WRITE) on [start, end).
    /// Returns false when the file is (now) poisoned.
    /// </summary>
    internal bool StartWritebackNow(long startBytes, long endBytes)
    {
        if (Volatile.Read(ref _poison) is not null || Volatile.Read(ref _closed) != 0)
        {
            return false;
        }
        var errno = SystemCalls.StartWriteback(_faults, _fd, startBytes, endBytes - startBytes);
        if (errno != 0)
        {
            _ = Poison(errno, SystemCalls.SyncFileRange, startBytes, endBytes - startBytes);
            return false;
        }
        WritebackMetrics.RecordWritebackStart();
        return true;
    }

    private PageCacheState QueryPageCache(long offset, long length)
    {
        var errno = SystemCalls.PageCacheState(_faults, _fd, offset, length, out var state);
        if (errno != 0)
        {
            throw Errors.FromCachestat(errno, Path, offset, length);
        }
        return new PageCacheState((long)state.nr_cache, (long)state.nr_dirty, (long)state.nr_writeback,
                                  (long)state.nr_evicted, (long)state.nr_recently_evicted);
    }

    // After a successful range flush: dirty pages of the file before start and from end to EOF.
    private void ReportDirtyOutside(long startBytes, long endBytes)
    {
        long dirtyPageCount = 0;
        if (startBytes > 0)
        {
            dirtyPageCount += QueryPageCache(0, startBytes).DirtyPages;
        }
        if (endBytes < Length)
        {
            dirtyPageCount += QueryPageCache(endBytes, 0).DirtyPages; // length 0: to the endBytes of the file
        }
        if (WritebackMetrics.DirtyOutsideRange.Enabled)
        {
            WritebackMetrics.DirtyOutsideRange.Record(dirtyPageCount, new KeyValuePair<string, object?>("operation", SystemCalls.MSync));
        }
        DirtyPagesOutsideRange?.Invoke(this, new DirtyOutsideRangeEventArgs(Path, startBytes, endBytes - startBytes, dirtyPageCount));
    }
}
