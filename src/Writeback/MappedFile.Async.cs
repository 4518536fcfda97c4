using Writeback.Backends;

namespace Writeback;

// What the durability engine and group commit call back: completions, poisoning, the audit after a
// range flush, and the count of outstanding asynchronous work that Dispose waits for.
public sealed partial class MappedFile
{
    /// <summary>Poisons the file with an engine request's failure; returns the exception for its waiters.</summary>
    private WritebackException PoisonFromEngine(in AsyncRequest request, int errno)
    {
        NativeCall call = request.Operation switch
        {
            AsyncOperation.StartWriteback => NativeCall.StartWritebackAsync,
            AsyncOperation.SyncRange => NativeCall.SyncRangeAsync,
            _ => NativeCall.SyncFileAsync,
        };
        return request.Operation == AsyncOperation.SyncFile
            ? Poison(errno, _backend.NameOf(call), null, null)
            : Poison(errno, _backend.NameOf(call), request.OffsetBytes, request.LengthBytes);
    }

    // Why a queued group cannot be synced: the file is poisoned, or a handler on the completion
    // thread disposed it (the mapping and descriptor are gone).
    private Exception? GroupFailure() =>
        Volatile.Read(ref _closed) != 0 ? new ObjectDisposedException(Path) : FailureSinceGroupStarted();

    // Another call can be in flight at once (a synchronous Flush on a caller's thread). When it
    // failed while this group's call was running, this group's waiters fail too, with the original
    // error: a writeback error is reported through the file's error sequence to only one of
    // concurrent callers (fsync(2)), so this call's 0 does not prove the pages reached the device.
    private Exception? FailureSinceGroupStarted() =>
        Volatile.Read(ref _poison) is { } poison ? Repeat(poison) : null;

    // After a group's call covering [start, end) returned 0: records it and audits the rest of the file when asked.
    private void AfterGroupSync(long startBytes, long endBytes, long startTimestamp)
    {
        NativeCall call = Semantics == FlushSemantics.WholeFile ? NativeCall.SyncFileAsync : NativeCall.SyncRangeAsync;
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
    }

    /// <summary>Requests handed to the engine (writeback starts, or FlushAsync waiters) have finished.</summary>
    private void OnAsyncWorkDone(int requestCount = 1)
    {
        if (Interlocked.Add(ref _outstandingRequests, -requestCount) == 0 && Volatile.Read(ref _disposed) != 0)
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
            WritebackMetrics.DirtyOutsideRange.Record(dirtyPageCount, new KeyValuePair<string, object?>("operation", _backend.NameOf(NativeCall.SyncRange)));
        }
        DirtyPagesOutsideRange?.Invoke(this, new DirtyOutsideRangeEventArgs(Path, startBytes, endBytes - startBytes, dirtyPageCount));
    }


    /// <summary>What this file's group commit may call: the narrow interface it gets at construction.</summary>
    private sealed class GroupOwner(MappedFile file) : IGroupCommitOwner
    {
        public long MappedBytes => file.MappedBytes;

        public Exception? Failure() => file.GroupFailure();

        public Exception OnSyncFailed(in AsyncRequest request, int errno) => file.PoisonFromEngine(request, errno);

        public Exception? OnRunSynced(long startBytes, long endBytes, long startTimestamp)
        {
            file.AfterGroupSync(startBytes, endBytes, startTimestamp);
            return file.FailureSinceGroupStarted();
        }

        public void OnRequestsCompleted(int requestCount) => file.OnAsyncWorkDone(requestCount);
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
