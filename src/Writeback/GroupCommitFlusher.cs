namespace Writeback;

/// <summary>
/// Group commit for <see cref="MappedFile.FlushAsync"/>: waiters queue requests and block no
/// thread. Up to <see cref="MaxGroupsInFlight"/> flusher threads per file (started on demand)
/// each take every request queued at that moment, sort them by offset and merge each run of ranges
/// that overlap or lie within <see cref="MergeGapBytes"/> of each other into one msync(MS_SYNC)
/// call, then complete the waiters that call covered. With more than one flusher, groups are
/// pipelined: requests that arrive while one group's msync is in flight are taken at once by an
/// idle flusher and form the next group, which does not wait for the first to return; only when
/// every flusher is inside msync do requests accumulate, and the first flusher to return takes all
/// of them. The default is one flusher (<see cref="DefaultMaxGroupsInFlight"/> says why), so
/// requests that arrive while a call is in progress form the next group.
/// </summary>
/// <remarks>
/// A request is only ever completed by a call its own group issued, and a group is taken from the
/// queue after each of its requests was queued, so every successful completion follows an msync
/// of the request's whole range that was issued (and returned 0) after the request was queued.
/// </remarks>
internal sealed class GroupCommitFlusher
{
    /// <summary>
    /// Two requested ranges are flushed by one msync when the gap between them is at most this many
    /// bytes (64 pages of 4 KiB): writing a few clean or unrelated dirty pages in between costs less
    /// than another synchronous call with its journal commit and device cache flush.
    /// </summary>
    internal const long MergeGapBytes = 256 * 1024;

    /// <summary>
    /// The default number of groups whose msync may be in flight at once (one flusher thread each):
    /// one. Measured on the project's virtio disk (docs/BENCHMARKS.md, S4), two to four groups in
    /// flight gave fewer commits per second, not more: concurrent msync calls each wait for their
    /// own journal commit and device cache flush, and the groups get smaller (2.4 requests on
    /// average with two in flight against 3.9 with one, eight committing threads).
    /// </summary>
    internal const int DefaultMaxGroupsInFlight = 1;

    private readonly object _gate = new();
    private readonly MappedFile _file;
    private readonly List<Thread> _threads = [];
    private List<Request> _queue = new(64);
    private int _idleFlushers;
    private bool _wakePending;
    private bool _stopping;

    public GroupCommitFlusher(MappedFile file, int maxGroupsInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroupsInFlight, 1);
        _file = file;
        MaxGroupsInFlight = maxGroupsInFlight;
    }

    /// <summary>The most groups whose msync is in flight at once: the number of flusher threads.</summary>
    public int MaxGroupsInFlight { get; }

    /// <summary>Queues the page-aligned range [<paramref name="startBytes"/>, <paramref name="endBytes"/>).</summary>
    public Task Enqueue(long startBytes, long endBytes, CancellationToken cancellationToken)
    {
        var request = new Request(startBytes, endBytes);
        if (cancellationToken.CanBeCanceled)
        {
            // Cancelling ends the caller's wait only; the range is still flushed with its group.
            request.Registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((Request)state!).TrySetCanceled(token), request);
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, _file);
            _queue.Add(request);
            if (!_wakePending)
            {
                if (_idleFlushers > 0)
                {
                    // One woken flusher takes everything queued until it runs: wake no second one.
                    _wakePending = true;
                    Monitor.Pulse(_gate);
                }
                else if (_threads.Count < MaxGroupsInFlight)
                {
                    _wakePending = true;
                    var thread = new Thread(Run) { IsBackground = true, Name = "Writeback group commit" };
                    _threads.Add(thread);
                    thread.Start();
                }
                // Otherwise every flusher is inside msync; the first to return takes the queue.
            }
        }
        return request.Task;
    }

    /// <summary>
    /// Flushes whatever is still queued, then stops the flusher threads and waits for them.
    /// Requests queued afterwards throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Stop()
    {
        Thread[] threads;
        lock (_gate)
        {
            _stopping = true;
            threads = [.. _threads];
            Monitor.PulseAll(_gate);
        }
        foreach (var thread in threads)
        {
            // Dispose from a flusher itself (an event handler on its thread) must not wait for itself.
            if (thread != Thread.CurrentThread)
            {
                thread.Join();
            }
        }
    }

    private void Run()
    {
        var batch = new List<Request>(64);
        while (true)
        {
            lock (_gate)
            {
                while (_queue.Count == 0 && !_stopping)
                {
                    _idleFlushers++;
                    Monitor.Wait(_gate);
                    _idleFlushers--;
                }
                if (_queue.Count == 0)
                {
                    return;
                }
                (_queue, batch) = (batch, _queue); // batch was empty
                _wakePending = false;
            }
            try
            {
                FlushGroup(batch);
            }
#pragma warning disable CA1031 // Nothing may escape a flusher thread; the waiters get the failure instead.
            catch (Exception unexpected)
#pragma warning restore CA1031
            {
                Complete(batch, 0, batch.Count, unexpected); // completed waiters are left as they are
            }
            batch.Clear();
        }
    }

    private void FlushGroup(List<Request> batch)
    {
        if (_file.Semantics == FlushSemantics.WholeFile)
        {
            Complete(batch, 0, batch.Count, _file.FlushFileForGroup());
            return;
        }
        batch.Sort(static (a, b) => a.StartBytes.CompareTo(b.StartBytes));
        var firstIndex = 0;
        while (firstIndex < batch.Count)
        {
            var startBytes = batch[firstIndex].StartBytes;
            var endBytes = batch[firstIndex].EndBytes;
            var nextIndex = firstIndex + 1;
            while (nextIndex < batch.Count && batch[nextIndex].StartBytes <= endBytes + MergeGapBytes)
            {
                endBytes = Math.Max(endBytes, batch[nextIndex].EndBytes);
                nextIndex++;
            }
            Complete(batch, firstIndex, nextIndex, _file.FlushRangeForGroup(startBytes, endBytes));
            firstIndex = nextIndex;
        }
    }

    // Completes requests [firstIndex, endIndex) of the batch with the result of the call that covered them.
    private static void Complete(List<Request> batch, int firstIndex, int endIndex, Exception? error)
    {
        for (var i = firstIndex; i < endIndex; i++)
        {
            var request = batch[i];
            request.Registration.Dispose();
            if (error is null)
            {
                request.TrySetResult();
            }
            else
            {
                request.TrySetException(error);
            }
        }
    }

    // RunContinuationsAsynchronously keeps awaiting callers' code off the flusher thread; a caller
    // blocked in Wait()/GetResult() is still released directly (its event is set, no thread-pool hop).
    internal sealed class Request(long startBytes, long endBytes) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long StartBytes { get; } = startBytes;
        public long EndBytes { get; } = endBytes;
        public CancellationTokenRegistration Registration { get; set; }
    }
}
