namespace Writeback;

/// <summary>
/// Group commit for <see cref="MappedFile.FlushAsync"/>: waiters queue requests and block no
/// thread; one flusher thread per file (created on first use) takes every queued request, sorts
/// them by offset and merges each run of ranges that overlap or lie within
/// <see cref="MergeGapBytes"/> of each other into one msync(MS_SYNC) call, then completes the
/// waiters that call covered. Requests that arrive while a call is in progress form the next group.
/// </summary>
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

    /// <summary>Queues the page-aligned range [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public Task Enqueue(long start, long end, CancellationToken cancellationToken)
    {
        var request = new Request(start, end);
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

    protected override void TakeWork() => (_queue, _batch) = (_batch, _queue);

    protected override void DoWork()
    {
        FlushGroup(_batch);
        _batch.Clear();
    }

    private void FlushGroup(List<Request> batch)
    {
        if (_file.Semantics == FlushSemantics.WholeFile)
        {
            Complete(batch, 0, batch.Count, _file.FlushFileForGroup());
            return;
        }
        batch.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var first = 0;
        while (first < batch.Count)
        {
            var start = batch[first].Start;
            var end = batch[first].End;
            var next = first + 1;
            while (next < batch.Count && batch[next].Start <= end + MergeGapBytes)
            {
                end = Math.Max(end, batch[next].End);
                next++;
            }
            Complete(batch, first, next, _file.FlushRangeForGroup(start, end));
            first = next;
        }
    }

    private static void Complete(List<Request> batch, int first, int end, Exception? error)
    {
        for (var i = first; i < end; i++)
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

    internal sealed class Request(long start, long end) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long Start { get; } = start;
        public long End { get; } = end;
        public CancellationTokenRegistration Registration { get; set; }
    }
}
