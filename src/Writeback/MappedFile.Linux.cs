using Writeback.Native;

namespace Writeback;

// The Linux backend: open(2), an address-space reservation from mmap(2) with the file mapped into
// its start, msync(2)/fsync(2)/sync_file_range(2) for durability, cachestat(2) for introspection.
public sealed partial class MappedFile
{
    private const int CreateMode = 0b110_110_110; // 0666, masked by the process umask as open(2) does.

    private static MappedFile OpenLinux(string path, MappedFileOptions options, FaultInjector? faults)
    {
        var errno = SystemCalls.OpenFile(faults, path, OpenFlags(options), CreateMode, out var fd);
        Errors.ThrowIfFailed(errno, SystemCalls.Open, path, resolvesPath: true);
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
            throw;
        }
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
    private void MapFileRange(long start, long end)
    {
        var errno = SystemCalls.Map(_faults, _baseAddress + (nint)start, end - start, Protection,
                                    Interop.Libc.MAP_SHARED | Interop.Libc.MAP_FIXED, _fd.Fd, start, out _);
        ThrowIfFailed(errno, SystemCalls.MMap, start, end - start);
    }

    // Puts the PROT_NONE reservation back over [start, end), dropping the file mapping there.
    // Dirty pages stay in the page cache: unmapping a shared mapping loses no data.
    private int UnmapFileRange(long start, long end) =>
        SystemCalls.Map(_faults, _baseAddress + (nint)start, end - start, Interop.Libc.PROT_NONE,
                        ReservationFlags | Interop.Libc.MAP_FIXED, -1, 0, out _);

    private void SetLengthCore(long newLength)
    {
        var oldLength = Length;
        long oldMapped = RoundUp(oldLength), newMapped = RoundUp(newLength);
        if (newLength >= oldLength)
        {
            ThrowIfFailed(SystemCalls.Truncate(_faults, _fd, newLength), SystemCalls.FTruncate, null, newLength);
            if (newMapped > oldMapped)
            {
                try
                {
                    MapFileRange(oldMapped, newMapped);
                }
                catch
                {
                    // No partial state: give the file its old length back (it only had zeros appended).
                    _ = SystemCalls.Truncate(_faults, _fd, oldLength);
                    throw;
                }
            }
        }
        else
        {
            // Unmap first, then truncate: if the truncate fails the file is mapped back and unchanged.
            if (newMapped < oldMapped)
            {
                ThrowIfFailed(UnmapFileRange(newMapped, oldMapped), SystemCalls.MMap, newMapped, oldMapped - newMapped);
            }
            var errno = SystemCalls.Truncate(_faults, _fd, newLength);
            if (errno != 0)
            {
                if (newMapped < oldMapped)
                {
                    MapFileRange(newMapped, oldMapped);
                }
                ThrowIfFailed(errno, SystemCalls.FTruncate, null, newLength);
            }
        }
        Volatile.Write(ref _lengthBytes, newLength);
    }

    // msync(MS_SYNC) on the page-aligned [start, end); poisons on failure.
    private WritebackException? SyncRange(long start, long end, bool throwOnError)
    {
        var timestamp = WritebackMetrics.StartTiming();
        var errno = SystemCalls.MsyncSync(_faults, _baseAddress + (nint)start, end - start);
        if (errno != 0)
        {
            var failure = Poison(errno, SystemCalls.MSync, start, end - start);
            return throwOnError ? throw failure : failure;
        }
        WritebackMetrics.RecordFlush(SystemCalls.MSync, end - start, timestamp);
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
    internal Exception? FlushRangeForGroup(long start, long end)
    {
        if (Volatile.Read(ref _poison) is { } poison)
        {
            return Repeat(poison);
        }
        // The file may have shrunk since the request was queued (SetLength is the caller's to order).
        end = Math.Min(end, MappedBytes);
        if (start >= end)
        {
            return null;
        }
        var failure = SyncRange(start, end, throwOnError: false);
        if (failure is null && _reportDirtyOutsideRange)
        {
            try
            {
                ReportDirtyOutside(start, end);
            }
            catch (Exception exception) when (exception is WritebackException or PlatformNotSupportedException)
            {
                // Auditing failed; the flush itself succeeded and its waiters must learn that.
            }
        }
        return failure;
    }

    /// <summary>Called by the group-commit flusher in <see cref="FlushSemantics.WholeFile"/> mode.</summary>
    internal Exception? FlushFileForGroup() =>
        Volatile.Read(ref _poison) is { } poison ? Repeat(poison) : FlushFileCore(throwOnError: false);

    /// <summary>
    /// Called by the background writer: sync_file_range(SYNC_FILE_RANGE_WRITE) on [start, end).
    /// Returns false when the file is (now) poisoned.
    /// </summary>
    internal bool StartWritebackNow(long start, long end)
    {
        if (Volatile.Read(ref _poison) is not null)
        {
            return false;
        }
        var errno = SystemCalls.StartWriteback(_faults, _fd, start, end - start);
        if (errno != 0)
        {
            _ = Poison(errno, SystemCalls.SyncFileRange, start, end - start);
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
    private void ReportDirtyOutside(long start, long end)
    {
        long dirtyPages = 0;
        if (start > 0)
        {
            dirtyPages += QueryPageCache(0, start).DirtyPages;
        }
        if (end < Length)
        {
            dirtyPages += QueryPageCache(end, 0).DirtyPages; // length 0: to the end of the file
        }
        if (WritebackMetrics.DirtyOutsideRange.Enabled)
        {
            WritebackMetrics.DirtyOutsideRange.Record(dirtyPages, new KeyValuePair<string, object?>("operation", SystemCalls.MSync));
        }
        DirtyPagesOutsideRange?.Invoke(this, new DirtyOutsideRangeEventArgs(Path, start, end - start, dirtyPages));
    }
}
