namespace Writeback;

/// <summary>
/// Group commit for <see cref="MappedFile.FlushAsync"/>: waiters queue requests and block no
/// thread; one flusher thread per file (started on demand) takes every request queued at that
/// moment, sorts them by offset and merges each run of ranges that overlap or lie within
/// <see cref="MergeGapBytes"/> of each other into one msync(MS_SYNC) call, then completes the
/// waiters that call covered. Requests that arrive while a call is in progress form the next group.
/// One group in flight, not several: measured on the project's virtio disk (docs/BENCHMARKS.md,
/// S4), two to four groups in flight gave fewer commits per second, not more: concurrent msync
/// calls each wait for their own journal commit and device cache flush, and the groups get smaller
/// (2.4 requests on average with two in flight against 3.9 with one, eight committing threads).
/// </summary>
/// <remarks>
/// A request is only ever completed by a call its own group issued, and a group is taken from the
/// queue after each of its requests was queued, so every successful completion follows an msync
/// of the request's whole range that was issued (and returned 0) after the request was queued.
/// </remarks>
internal sealed class GroupCommitFlusher : DedicatedWorker<GroupCommitFlusher.Request>
{
    /// <summary>
    /// Two requested ranges are flushed by one msync when the gap between them is at most this many
    /// bytes (64 pages of 4 KiB): writing a few clean or unrelated dirty pages in between costs less
    /// than another synchronous call with its journal commit and device cache flush.
    /// </summary>
    internal const long MergeGapBytes = 256 * 1024;

    private readonly MappedFile _file;
    private List<Request> _queue = new(64);
    private List<Request> _batch = new(64);

    public GroupCommitFlusher(MappedFile file) : base(file, "Writeback group commit") => _file = file;

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
        Enqueue(request);
        return request.Task;
    }

    protected override void Add(Request item) => _queue.Add(item);

    protected override bool HasWork => _queue.Count > 0;

    protected override void TakeWork() => (_queue, _batch) = (_batch, _queue); // _batch was empty

    protected override void DoWork()
    {
        try
        {
            FlushGroup(_batch);
        }
#pragma warning disable CA1031 // Nothing may escape a flusher thread; the waiters get the failure instead.
        catch (Exception unexpected)
#pragma warning restore CA1031
        {
            Complete(_batch, 0, _batch.Count, unexpected); // completed waiters are left as they are
        }
        _batch.Clear();
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
