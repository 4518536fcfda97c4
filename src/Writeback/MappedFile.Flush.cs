using System.Runtime.CompilerServices;
using Writeback.Backends;
using Writeback.Native;

namespace Writeback;

// The durability calls: each goes from its public method to the backend (or the durability
// engine) without passing through another file of the front. Flush(offset, length) reaches msync(2)
// through this file, Backends/MappingBackend.Linux.cs and Interop.MSync.cs; FlushAsync reaches its
// submission through this file, GroupCommit.cs, Backends/DurabilityEngine.cs, the engine
// (Backends/Linux/IoUringEngine.cs or PoolEngine.cs) and, for io_uring, Interop.Write.cs (the
// wake-up). Kept that way on purpose (issue 19): a reader follows one call per file.
public sealed partial class MappedFile
{
    /// <inheritdoc/>
    /// <remarks>
    /// msync(MS_SYNC) on the page-rounded range. With <see cref="FlushSemantics.WholeFile"/> it is
    /// <see cref="FlushFile"/>. A zero-length range is validated and flushes nothing.
    /// No heap allocation.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative, overflows or extends beyond <see cref="Length"/>.</exception>
    /// <exception cref="WritebackException">msync failed now or a durability call failed earlier (poisoned).</exception>
    public void Flush(long offset, long length)
    {
        ThrowIfDisposed();
        ValidateRange(offset, length);
        ThrowIfPoisoned();
        if (length == 0)
        {
            return;
        }
        if (Semantics == FlushSemantics.WholeFile)
        {
            FlushFileCore();
            return;
        }
        (long startBytes, long endBytes) = PageRange(offset, length);
        SyncRange(startBytes, endBytes);
        if (_reportDirtyOutsideRange)
        {
            ReportDirtyOutside(startBytes, endBytes);
        }
    }

    /// <inheritdoc/>
    /// <remarks>With <see cref="FlushSemantics.WholeFile"/> it is <see cref="FlushFile"/>.</remarks>
    /// <exception cref="WritebackException">msync failed now or a durability call failed earlier (poisoned).</exception>
    public void Flush()
    {
        ThrowIfDisposed();
        ThrowIfPoisoned();
        if (Semantics == FlushSemantics.WholeFile)
        {
            FlushFileCore();
            return;
        }
        long mappedBytes = MappedBytes;
        if (mappedBytes > 0)
        {
            SyncRange(0, mappedBytes);
        }
    }

    /// <inheritdoc/>
    /// <remarks>msync(MS_SYNC) of the whole mapping, then fsync(2).</remarks>
    /// <exception cref="WritebackException">msync or fsync failed now or a durability call failed earlier (poisoned).</exception>
    public void FlushFile()
    {
        ThrowIfDisposed();
        ThrowIfPoisoned();
        FlushFileCore();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The page-rounded range is handed to the process's durability engine, which starts writeback
    /// of its dirty pages: io_uring's IORING_OP_SYNC_FILE_RANGE with SYNC_FILE_RANGE_WRITE, always
    /// run by the kernel's io-wq workers, or sync_file_range(2) on the fallback pool. The caller
    /// takes a short lock and never blocks on the device (only while the engine's 255 request slots
    /// are all in flight); no heap allocation. A failure surfaces as poisoning at a later call.
    /// A zero-length range is validated and does nothing.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative, overflows or extends beyond <see cref="Length"/>.</exception>
    /// <exception cref="WritebackException">A durability call or an earlier background writeback failed (poisoned).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: see DurabilityEngine.Submit
    public void StartWriteback(long offset, long length)
    {
        ThrowIfDisposed();
        ValidateRange(offset, length);
        ThrowIfPoisoned();
        if (length == 0)
        {
            return;
        }
        (long startBytes, long endBytes) = PageRange(offset, length);
        SubmitWriteback(startBytes, endBytes);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Group commit (docs/semantics.md), on the process's durability engine; no thread blocks per
    /// waiter and no file has a thread of its own. With no group of this file in flight the request
    /// is submitted at once; otherwise it waits for the group in flight, and when that completes
    /// every waiting request is taken, sorted by offset, and each run of page-rounded ranges that
    /// overlap or lie within 256 KiB of each other is synced with one call: io_uring's
    /// IORING_OP_FSYNC with the range and IORING_FSYNC_DATASYNC (the vfs_fsync_range call that
    /// msync(MS_SYNC) makes), or msync(MS_SYNC) on the fallback pool. Each waiter completes after
    /// the call that covered its range, issued after the request was queued. With
    /// <see cref="FlushSemantics.WholeFile"/> each group is one fsync of the file.
    /// Cancellation ends the caller's wait only: the range is still flushed.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative, overflows or extends beyond <see cref="Length"/> (thrown, not returned in the task).</exception>
    public Task FlushAsync(long offset, long length, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ValidateRange(offset, length);
        if (Volatile.Read(ref _poison) is { } poison)
        {
            return Task.FromException(Repeat(poison));
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        if (length == 0)
        {
            return Task.CompletedTask;
        }
        (long startBytes, long endBytes) = PageRange(offset, length);
        Interlocked.Increment(ref _outstandingRequests);
        return (_groupCommit ?? CreateGroupCommit()).Enqueue(startBytes, endBytes, cancellationToken);
    }

    /// <summary>
    /// <see cref="FlushAsync"/> returning a <see cref="ValueTask"/> backed by a pooled, reusable
    /// request: no heap allocation per call in steady state (with a token that cannot be
    /// cancelled). When the task completes successfully, the range is durable exactly as after
    /// <see cref="Flush(long, long)"/>; the same group commit, poisoning and cancellation rules apply.
    /// As with any <see cref="ValueTask"/>, await it (or read its result) exactly once: the request
    /// is reused afterwards.
    /// </summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="length">Number of bytes; 0 completes at once.</param>
    /// <param name="cancellationToken">Ends the wait only; the range is still flushed with its group.</param>
    /// <returns>A task that completes when the range is durable, or faults with the failure.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative, overflows or extends beyond <see cref="Length"/> (thrown, not returned in the task).</exception>
    public ValueTask FlushValueAsync(long offset, long length, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ValidateRange(offset, length);
        if (Volatile.Read(ref _poison) is { } poison)
        {
            return ValueTask.FromException(Repeat(poison));
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        if (length == 0)
        {
            return ValueTask.CompletedTask;
        }
        (long startBytes, long endBytes) = PageRange(offset, length);
        Interlocked.Increment(ref _outstandingRequests);
        return (_groupCommit ?? CreateGroupCommit()).EnqueuePooled(startBytes, endBytes, cancellationToken);
    }

    // msync(MS_SYNC) on the page-aligned [start, end); poisons on failure. The timestamp is taken
    // unconditionally (about 20 ns), so the call does not pass through the metrics class first.
    private void SyncRange(long startBytes, long endBytes)
    {
        long startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        int errno = _backend.SyncRange(_baseAddress + (nint)startBytes, endBytes - startBytes);
        if (errno != 0)
        {
            throw Poison(errno, _backend.NameOf(NativeCall.SyncRange), startBytes, endBytes - startBytes);
        }
        WritebackMetrics.RecordFlush(_backend.NameOf(NativeCall.SyncRange), endBytes - startBytes, startTimestamp);
    }

    private void FlushFileCore()
    {
        long mappedBytes = MappedBytes;
        if (mappedBytes > 0)
        {
            SyncRange(0, mappedBytes);
        }
        long startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        int errno = _backend.SyncFile(_file);
        if (errno != 0)
        {
            throw Poison(errno, _backend.NameOf(NativeCall.SyncFile), null, null);
        }
        WritebackMetrics.RecordFlush(_backend.NameOf(NativeCall.SyncFile), 0, startTimestamp);
    }

    // Hands each chunk of [start, end) to the engine as a writeback start.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SubmitWriteback(long startBytes, long endBytes)
    {
        DurabilityEngine engine = Engine;
        long maxBytes = engine.MaxRequestBytes;
        for (long chunkStartBytes = startBytes; chunkStartBytes < endBytes;)
        {
            long chunkBytes = Math.Min(maxBytes, endBytes - chunkStartBytes);
            Interlocked.Increment(ref _outstandingRequests);
            engine.Submit(new AsyncRequest(AsyncOperation.StartWriteback, _writebackCompletion, _file, _baseAddress + (nint)chunkStartBytes,
                                           chunkStartBytes, chunkBytes, Tag: 0));
            chunkStartBytes += chunkBytes;
        }
    }

    // The backend's engine, looked up once per file (the backend starts it on first use).
    private DurabilityEngine Engine => _engine ??= _backend.Engine;

    private GroupCommit CreateGroupCommit()
    {
        var groupCommit = new GroupCommit(new GroupOwner(this), Engine, _file, _baseAddress, wholeFile: Semantics == FlushSemantics.WholeFile,
                                          inlineCompletions: _inlineCompletions);
        Interlocked.CompareExchange(ref _groupCommit, groupCommit, null);
        return _groupCommit;
    }

    // A later call on a poisoned file: the original errno, operation and range; the original as inner exception.
    private static WritebackException Repeat(WritebackException original) =>
        new(original.Operation, original.FilePath, original.Offset, original.Length, original.Errno, original);

    // Records the first durability failure; returns the exception to throw for this one.
    private WritebackException Poison(int errno, string operation, long? offset, long? length)
    {
        var failure = (WritebackException)Errors.FromErrno<WritebackException>(errno, operation, Path, offset, length);
        Interlocked.CompareExchange(ref _poison, failure, null);
        return failure;
    }
}
