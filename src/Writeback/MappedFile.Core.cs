using System.Runtime.InteropServices;
using Writeback.Backends;
using Writeback.Native;

namespace Writeback;

// The platform-neutral core of MappedFile: opening through the backend, growth, the durability
// calls on the caller's thread, and the hand-off of asynchronous work to the durability engine.
public sealed partial class MappedFile
{
    private static MappedFile OpenCore(string path, MappedFileOptions options, IMappingBackend backend)
    {
        Errors.ThrowIfFailed(backend.Open(path, options, out var fileHandle, out var created), backend.NameOf(NativeCall.Open), path, resolvesPath: true);
        SafeMappingHandle? mapping = null;
        try
        {
            var lengthBytes = SetInitialLength(backend, fileHandle, path, options);
            var reservedBytes = RoundUpToPage(Math.Max(lengthBytes, options.MaxLength ?? Math.Max(lengthBytes, DefaultMaxLength)));
            if (options.MaxLength is { } maxLength && maxLength < lengthBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(options), maxLength,
                    $"MappedFileOptions.MaxLength ({maxLength}) is below the length of '{path}' ({lengthBytes} bytes).");
            }
            var errno = backend.Reserve(reservedBytes, out mapping);
            Errors.ThrowIfFailed(errno, backend.NameOf(NativeCall.Reserve), path, 0, reservedBytes);
            var file = new MappedFile(path, options, backend, fileHandle, mapping, lengthBytes);
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
            fileHandle.Dispose();
            if (created)
            {
                // No partial state: a file this failed open created is removed again.
                _ = backend.Unlink(path);
            }
            throw;
        }
    }

    private static long SetInitialLength(IMappingBackend backend, SafeHandle file, string path, MappedFileOptions options)
    {
        if (options.Length is { } length)
        {
            Errors.ThrowIfFailed(backend.SetFileLength(file, length), backend.NameOf(NativeCall.SetFileLength), path, length: length);
        }
        Errors.ThrowIfFailed(backend.GetFileLength(file, out var lengthBytes), backend.NameOf(NativeCall.GetFileLength), path);
        return lengthBytes;
    }

    private static long RoundUpToPage(long bytes)
    {
        long pageSize = Environment.SystemPageSize;
        return (bytes + pageSize - 1) & ~(pageSize - 1);
    }

    // Maps the file's page-aligned range [start, end) over the reservation at the same offset.
    private void MapFileRange(long startBytes, long endBytes)
    {
        var errno = _backend.Map(_file, _baseAddress + (nint)startBytes, startBytes, endBytes - startBytes, _writable);
        ThrowIfFailed(errno, NativeCall.Map, startBytes, endBytes - startBytes);
    }

    private void SetLengthCore(long newLengthBytes)
    {
        var oldLengthBytes = Length;
        long oldMappedBytes = RoundUp(oldLengthBytes), newMappedBytes = RoundUp(newLengthBytes);
        if (newLengthBytes >= oldLengthBytes)
        {
            ThrowIfFailed(_backend.SetFileLength(_file, newLengthBytes), NativeCall.SetFileLength, null, newLengthBytes);
            if (newMappedBytes > oldMappedBytes)
            {
                try
                {
                    MapFileRange(oldMappedBytes, newMappedBytes);
                }
                catch
                {
                    // No partial state: give the file its old length back (it only had zeros appended).
                    _ = _backend.SetFileLength(_file, oldLengthBytes);
                    throw;
                }
            }
        }
        else
        {
            // Unmap first, then truncate: if the truncate fails the file is mapped back and unchanged.
            if (newMappedBytes < oldMappedBytes)
            {
                ThrowIfFailed(_backend.Unmap(_baseAddress + (nint)newMappedBytes, oldMappedBytes - newMappedBytes),
                              NativeCall.Map, newMappedBytes, oldMappedBytes - newMappedBytes);
            }
            var errno = _backend.SetFileLength(_file, newLengthBytes);
            if (errno != 0)
            {
                if (newMappedBytes < oldMappedBytes)
                {
                    MapFileRange(newMappedBytes, oldMappedBytes);
                }
                ThrowIfFailed(errno, NativeCall.SetFileLength, null, newLengthBytes);
            }
        }
        Volatile.Write(ref _lengthBytes, newLengthBytes);
    }

    // msync(MS_SYNC) on the page-aligned [start, end); poisons on failure.
    private void SyncRange(long startBytes, long endBytes)
    {
        var timestamp = WritebackMetrics.StartTiming();
        var errno = _backend.SyncRange(_baseAddress + (nint)startBytes, endBytes - startBytes);
        if (errno != 0)
        {
            throw Poison(errno, _backend.NameOf(NativeCall.SyncRange), startBytes, endBytes - startBytes);
        }
        WritebackMetrics.RecordFlush(_backend.NameOf(NativeCall.SyncRange), endBytes - startBytes, timestamp);
    }

    private void FlushFileCore()
    {
        var mappedBytes = MappedBytes;
        if (mappedBytes > 0)
        {
            SyncRange(0, mappedBytes);
        }
        var timestamp = WritebackMetrics.StartTiming();
        var errno = _backend.SyncFile(_file);
        if (errno != 0)
        {
            throw Poison(errno, _backend.NameOf(NativeCall.SyncFile), null, null);
        }
        WritebackMetrics.RecordFlush(_backend.NameOf(NativeCall.SyncFile), 0, timestamp);
    }

    /// <summary>The backend this file calls.</summary>
    internal IMappingBackend Backend => _backend;

    /// <summary>The mapped bytes, for a group that clamps its ranges to the current length.</summary>
    internal long MappedBytesForGroup => MappedBytes;

    /// <summary>Builds an engine request for a page-aligned range of this file.</summary>
    internal AsyncRequest CreateRequest(AsyncOperation operation, IAsyncCompletion target, long startBytes, long lengthBytes, int tag) =>
        new(operation, target, _file, _baseAddress + (nint)startBytes, startBytes, lengthBytes, tag);

    /// <summary>Poisons the file with an engine request's failure; returns the exception for its waiters.</summary>
    internal WritebackException PoisonFromEngine(in AsyncRequest request, int errno)
    {
        var call = request.Operation switch
        {
            AsyncOperation.StartWriteback => NativeCall.StartWritebackAsync,
            AsyncOperation.SyncRange => NativeCall.SyncRangeAsync,
            _ => NativeCall.SyncFileAsync,
        };
        return request.Operation == AsyncOperation.SyncFile
            ? Poison(errno, _backend.NameOf(call), null, null)
            : Poison(errno, _backend.NameOf(call), request.OffsetBytes, request.LengthBytes);
    }

    /// <summary>
    /// Called on the completion thread after a group's call covering [start, end) returned 0:
    /// records it, audits the rest of the file when asked, and returns the failure the waiters
    /// must see anyway, or null.
    /// </summary>
    internal Exception? AfterGroupSync(NativeCall call, long startBytes, long endBytes, long startTimestamp)
    {
        WritebackMetrics.RecordFlush(_backend.NameOf(call), call == NativeCall.SyncFileAsync ? 0 : endBytes - startBytes, startTimestamp);
        if (call == NativeCall.SyncRangeAsync && _reportDirtyOutsideRange && Volatile.Read(ref _closed) == 0)
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
                // exception escaping here would end the engine's completion thread and the process with it.
            }
        }
        return FailureSinceGroupStarted();
    }

    // Another call can be in flight at once (a synchronous Flush on a caller's thread). When it
    // failed while this group's call was running, this group's waiters fail too, with the original
    // error: a writeback error is reported through the file's error sequence to only one of
    // concurrent callers (fsync(2)), so this call's 0 does not prove the pages reached the device.
    private Exception? FailureSinceGroupStarted() =>
        Volatile.Read(ref _poison) is { } poison ? Repeat(poison) : null;

    /// <summary>
    /// Why a queued group cannot be synced: the file is poisoned, or a handler on the completion
    /// thread disposed it (the mapping and descriptor are gone).
    /// </summary>
    internal Exception? GroupFailure() =>
        Volatile.Read(ref _closed) != 0 ? new ObjectDisposedException(Path)
        : Volatile.Read(ref _poison) is { } poison ? Repeat(poison) : null;

    /// <summary>One request handed to the engine (a writeback start, or a FlushAsync waiter) has finished.</summary>
    internal void OnAsyncWorkDone()
    {
        if (Interlocked.Decrement(ref _outstandingRequests) == 0 && Volatile.Read(ref _disposed) != 0)
        {
            lock (_writebackCompletion)
            {
                Monitor.PulseAll(_writebackCompletion);
            }
        }
    }

    // Dispose: until every writeback start and FlushAsync request handed to the engine has
    // completed. The timeout only bounds a missed pulse (the count is read outside the lock).
    private void WaitForAsyncWork()
    {
        lock (_writebackCompletion)
        {
            while (Volatile.Read(ref _outstandingRequests) != 0)
            {
                Monitor.Wait(_writebackCompletion, millisecondsTimeout: 10);
            }
        }
    }

    // Hands each chunk of [start, end) to the engine as a writeback start.
    private void SubmitWriteback(long startBytes, long endBytes)
    {
        var maxBytes = _backend.MaxAsyncRequestBytes;
        for (var chunkStartBytes = startBytes; chunkStartBytes < endBytes;)
        {
            var chunkBytes = Math.Min(maxBytes, endBytes - chunkStartBytes);
            Interlocked.Increment(ref _outstandingRequests);
            _backend.Submit(CreateRequest(AsyncOperation.StartWriteback, _writebackCompletion, chunkStartBytes, chunkBytes, 0));
            chunkStartBytes += chunkBytes;
        }
    }

    private PageCacheState QueryPageCache(long offset, long length)
    {
        var errno = _backend.QueryPageCache(_file, offset, length, out var state);
        if (errno != 0)
        {
            throw Errors.FromCachestat(errno, _backend.NameOf(NativeCall.QueryPageCache), Path, offset, length);
        }
        return state;
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
            dirtyPageCount += QueryPageCache(endBytes, 0).DirtyPages; // length 0: to the end of the file
        }
        if (WritebackMetrics.DirtyOutsideRange.Enabled)
        {
            WritebackMetrics.DirtyOutsideRange.Record(dirtyPageCount, new KeyValuePair<string, object?>("operation", SystemCalls.MSync));
        }
        DirtyPagesOutsideRange?.Invoke(this, new DirtyOutsideRangeEventArgs(Path, startBytes, endBytes - startBytes, dirtyPageCount));
    }

    /// <summary>Receives this file's writeback starts from the engine: a failure poisons the file.</summary>
    private sealed class WritebackCompletion(MappedFile file) : IAsyncCompletion
    {
        public void OnCompleted(in AsyncRequest request, int errno)
        {
            if (errno != 0)
            {
                _ = file.PoisonFromEngine(request, errno);
            }
            else
            {
                WritebackMetrics.RecordWritebackStart();
            }
            file.OnAsyncWorkDone();
        }
    }
}
