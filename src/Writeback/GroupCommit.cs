using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using Writeback.Backends;

namespace Writeback;

/// <summary>
/// Group commit for <see cref="MappedFile.FlushAsync"/>, with no thread of its own: the first
/// request finds no group in flight and submits one from the caller's thread; requests that arrive
/// while a group is in flight queue up, and when the group's last call completes (on the engine's
/// completion thread) they become the next group. A group is sorted by offset and each run of
/// ranges that overlap or lie within <see cref="MergeGapBytes"/> of each other is one range sync
/// (io_uring FSYNC with a range and DATASYNC, or msync(MS_SYNC) on the fallback engine); each
/// waiter completes after the call that covered its range.
/// One group in flight per file, not several: measured on the project's virtio disk
/// (docs/BENCHMARKS.md, S4), several groups in flight gave fewer commits per second: concurrent
/// syncs each wait for their own journal commit and device cache flush, and the groups get smaller.
/// </summary>
/// <remarks>
/// A request is only ever completed by a call its own group issued, and a group is taken from the
/// queue after each of its requests was queued, so every successful completion follows a sync of
/// the request's whole range that was issued (and returned 0) after the request was queued.
/// </remarks>
internal sealed class GroupCommit : IAsyncCompletion
{
    /// <summary>
    /// Two requested ranges are synced by one call when the gap between them is at most this many
    /// bytes (64 pages of 4 KiB): writing a few clean or unrelated dirty pages in between costs less
    /// than another synchronous call with its journal commit and device cache flush.
    /// </summary>
    internal const long MergeGapBytes = 256 * 1024;

    /// <summary>
    /// How long the next group may wait for the waiters a group just released. Committers that
    /// wait for their commit and commit again come back within microseconds; submitting the first
    /// of them alone split them into a group of one and a group of the rest, alternately (measured:
    /// 3.9 requests per group with 8 committers). So when a group of several waiters completes, the
    /// next group is submitted once as many requests are queued as were released plus those already
    /// queued, or after this many milliseconds (the timer's resolution), whichever comes first. A
    /// group of one never holds, so a single committer never waits.
    /// </summary>
    internal const int HoldMilliseconds = 1;

    private readonly IGroupCommitOwner _owner;
    private readonly DurabilityEngine _engine;
    private readonly SafeHandle _file;
    private readonly nint _baseAddress;
    private readonly bool _wholeFile;
    private readonly bool _inlineCompletions;
    private readonly object _gate = new();
    private readonly Stack<PooledRequest> _pool = new(8);
    private List<IWaiter> _queue = new(64);
    private List<IWaiter> _batch = new(64);
    private Run[] _runs = new Run[8];
    private int _runCount;
    private bool _inFlight;
    private int _holdUntilQueued; // while no group is in flight: submit once this many requests queued (or the hold timer fires)
    private Timer? _holdTimer;
    private int _pendingCalls;
    private long _groupStartTimestamp;

    /// <summary>
    /// Group commit for one file: <paramref name="owner"/> is all it may ask of the file; requests
    /// go to <paramref name="engine"/> for the descriptor <paramref name="file"/>, whose mapping
    /// starts at <paramref name="baseAddress"/>. With <paramref name="wholeFile"/> each group is one
    /// fsync of the file. With <paramref name="inlineCompletions"/> waiters' continuations run where
    /// the group completes (MappedFileOptions.UnsafeInlineCompletions), else on the thread pool.
    /// </summary>
    public GroupCommit(IGroupCommitOwner owner, DurabilityEngine engine, SafeHandle file, nint baseAddress, bool wholeFile, bool inlineCompletions)
    {
        _inlineCompletions = inlineCompletions;
        _owner = owner;
        _engine = engine;
        _file = file;
        _baseAddress = baseAddress;
        _wholeFile = wholeFile;
    }

    /// <summary>Queues the page-aligned range [<paramref name="startBytes"/>, <paramref name="endBytes"/>).</summary>
    public Task Enqueue(long startBytes, long endBytes, CancellationToken cancellationToken)
    {
        var request = new TaskRequest(startBytes, endBytes, _inlineCompletions);
        if (cancellationToken.CanBeCanceled)
        {
            // Cancelling ends the caller's wait only; the range is still synced with its group.
            request.Registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((TaskRequest)state!).TrySetCanceled(token), request);
        }
        Enqueue(request);
        return request.Task;
    }

    /// <summary>As <see cref="Enqueue(long, long, CancellationToken)"/>, completed through a pooled, reusable request.</summary>
    public ValueTask EnqueuePooled(long startBytes, long endBytes, CancellationToken cancellationToken)
    {
        PooledRequest? request;
        lock (_gate)
        {
            _pool.TryPop(out request);
        }
        request ??= new PooledRequest(this);
        ValueTask task = request.Start(startBytes, endBytes, cancellationToken);
        Enqueue(request);
        return task;
    }

    // A pooled request both of whose owners (the waiter and the group) are done with it.
    private void Return(PooledRequest request)
    {
        lock (_gate)
        {
            if (_pool.Count < 64)
            {
                _pool.Push(request);
            }
        }
    }

    private void Enqueue(IWaiter request)
    {
        bool startGroup;
        lock (_gate)
        {
            _queue.Add(request);
            startGroup = !_inFlight && _queue.Count >= _holdUntilQueued;
            if (startGroup)
            {
                TakeGroup();
            }
        }
        if (startGroup)
        {
            RunGroups();
        }
    }

    // The hold ran out before the released waiters came back: whatever queued meanwhile goes now.
    private void OnHoldExpired()
    {
        bool startGroup;
        lock (_gate)
        {
            startGroup = !_inFlight && _queue.Count > 0;
            _holdUntilQueued = 0;
            if (startGroup)
            {
                TakeGroup();
            }
        }
        if (startGroup)
        {
            RunGroups();
        }
    }

    // Under the lock: the queue becomes the group (and any hold ends).
    private void TakeGroup()
    {
        (_queue, _batch) = (_batch, _queue); // _batch was empty
        _inFlight = true;
        _holdUntilQueued = 0;
    }

    // Submits the taken group; when a group cannot be submitted (poisoned or closed) it is
    // completed here and the next one taken, so this loops instead of recursing.
    private void RunGroups()
    {
        while (!SubmitGroup())
        {
            if (!FinishGroup())
            {
                return;
            }
        }
    }

    // Returns false when the group was completed without a call.
    private bool SubmitGroup()
    {
        _runCount = 0;
        if (_owner.Failure() is { } failure)
        {
            AddRun(new Run(0, _batch.Count, 0, 0) { Error = failure });
            return false;
        }
        AsyncOperation operation = BuildRuns();
        long maxBytes = _engine.MaxRequestBytes;
        int calls = 0;
        foreach (Run run in _runs.AsSpan(0, _runCount))
        {
            calls += run.EndBytes <= run.StartBytes ? 0 : (int)(((run.EndBytes - run.StartBytes - 1) / maxBytes) + 1);
        }
        if (calls == 0)
        {
            return false; // the file shrank below every range: nothing left to sync
        }
        _groupStartTimestamp = Stopwatch.GetTimestamp();
        Volatile.Write(ref _pendingCalls, calls);
        // The last call can complete, and the next group replace _runs, before Submit returns: after
        // a Submit this loop reads only locals.
        int runCount = _runCount;
        for (int runIndex = 0; runIndex < runCount; runIndex++)
        {
            (long startBytes, long endBytes) = (_runs[runIndex].StartBytes, _runs[runIndex].EndBytes);
            while (startBytes < endBytes)
            {
                long lengthBytes = Math.Min(maxBytes, endBytes - startBytes);
                _engine.Submit(new AsyncRequest(operation, this, _file, _baseAddress + (nint)startBytes, startBytes, lengthBytes, runIndex));
                startBytes += lengthBytes;
            }
        }
        return true;
    }

    // Sorts the group and merges near ranges into runs; returns the operation each run needs.
    private AsyncOperation BuildRuns()
    {
        if (_wholeFile)
        {
            AddRun(new Run(0, _batch.Count, 0, 1));
            return AsyncOperation.SyncFile;
        }
        _batch.Sort(static (a, b) => a.StartBytes.CompareTo(b.StartBytes));
        long mappedBytes = _owner.MappedBytes;
        int firstIndex = 0;
        while (firstIndex < _batch.Count)
        {
            long startBytes = _batch[firstIndex].StartBytes;
            long endBytes = _batch[firstIndex].EndBytes;
            int nextIndex = firstIndex + 1;
            while (nextIndex < _batch.Count && _batch[nextIndex].StartBytes <= endBytes + MergeGapBytes)
            {
                endBytes = Math.Max(endBytes, _batch[nextIndex].EndBytes);
                nextIndex++;
            }
            // The file may have shrunk since the request was queued (SetLength is the caller's to order).
            AddRun(new Run(firstIndex, nextIndex, startBytes, Math.Min(endBytes, mappedBytes)));
            firstIndex = nextIndex;
        }
        return AsyncOperation.SyncRange;
    }

    /// <inheritdoc/>
    public void OnCompleted(in AsyncRequest request, int errno)
    {
        if (errno != 0)
        {
            Exception failure = _owner.OnSyncFailed(request, errno);
            Interlocked.CompareExchange(ref _runs[request.Tag].Error, failure, null);
        }
        if (Interlocked.Decrement(ref _pendingCalls) == 0 && FinishGroup())
        {
            RunGroups();
        }
    }

    // Completes the group's waiters; takes the next group if one is queued (returns true) or
    // leaves the file idle (false).
    private bool FinishGroup()
    {
        int holdTarget;
        lock (_gate)
        {
            // The waiters about to be released, with those already queued: what the next group
            // holds for (see HoldMilliseconds).
            holdTarget = _queue.Count + _batch.Count;
        }
        CompleteGroup();
        lock (_gate)
        {
            _batch.Clear();
            _runCount = 0;
            if (holdTarget > 1 && _queue.Count < holdTarget)
            {
                _inFlight = false;
                _holdUntilQueued = holdTarget;
                _holdTimer ??= new Timer(static state => ((GroupCommit)state!).OnHoldExpired(), this, Timeout.Infinite, Timeout.Infinite);
                _holdTimer.Change(HoldMilliseconds, Timeout.Infinite);
                return false;
            }
            if (_queue.Count == 0)
            {
                _inFlight = false;
                return false;
            }
            TakeGroup();
            return true;
        }
    }

    // Completes each run's waiters with the run's result.
    private void CompleteGroup()
    {
        foreach (Run run in _runs.AsSpan(0, _runCount))
        {
            Exception? error = run.Error;
            if (error is null && run.EndBytes > run.StartBytes)
            {
                error = _owner.OnRunSynced(run.StartBytes, run.EndBytes, _groupStartTimestamp);
            }
            for (int i = run.FirstIndex; i < run.EndIndex; i++)
            {
                _batch[i].Complete(error);
            }
        }
        _owner.OnRequestsCompleted(_batch.Count);
        WritebackMetrics.RecordGroup(_batch.Count);
    }

    private void AddRun(in Run run)
    {
        if (_runCount == _runs.Length)
        {
            Array.Resize(ref _runs, _runs.Length * 2);
        }
        _runs[_runCount++] = run;
    }

    // A struct in a reused array, so a group allocates nothing. Error is a field so completions
    // of one run on two engine threads can set it with Interlocked (the first failure wins).
    private struct Run(int firstIndex, int endIndex, long startBytes, long endBytes)
    {
        public readonly int FirstIndex = firstIndex;
        public readonly int EndIndex = endIndex;
        public readonly long StartBytes = startBytes;
        public readonly long EndBytes = endBytes;
#pragma warning disable CA1051 // A field, so completions of one run on two engine threads can set it with Interlocked.
        public Exception? Error;
#pragma warning restore CA1051
    }

    /// <summary>A FlushAsync request as the group sees it: its range, and how to complete its waiter.</summary>
    private interface IWaiter
    {
        long StartBytes { get; }
        long EndBytes { get; }

        /// <summary>Completes the waiter with the group's result; called once, by the group.</summary>
        void Complete(Exception? error);
    }

    // RunContinuationsAsynchronously keeps awaiting callers' code off the engine's completion thread
    // unless the file asked for inline completions; a caller blocked in Wait()/GetResult() is
    // released directly either way.
    private sealed class TaskRequest(long startBytes, long endBytes, bool inlineCompletions)
        : TaskCompletionSource(inlineCompletions ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously), IWaiter
    {
        public long StartBytes { get; } = startBytes;
        public long EndBytes { get; } = endBytes;
        public CancellationTokenRegistration Registration { get; set; }

        public void Complete(Exception? error)
        {
            Registration.Dispose();
            _ = error is null ? TrySetResult() : TrySetException(error);
        }
    }

    /// <summary>
    /// A reusable request behind a <see cref="ValueTask"/>. Two owners share it: the waiter (until
    /// it has read the result) and the group (until it has completed it; cancellation completes
    /// the waiter earlier). It returns to the pool when both are done, so a cancelled request the
    /// group still holds is never reused.
    /// </summary>
    private sealed class PooledRequest(GroupCommit owner) : IWaiter, IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = !owner._inlineCompletions };
        private CancellationTokenRegistration _registration;
        private int _signalled;
        private int _owners;

        public long StartBytes { get; private set; }
        public long EndBytes { get; private set; }

        public ValueTask Start(long startBytes, long endBytes, CancellationToken cancellationToken)
        {
            (StartBytes, EndBytes, _signalled, _owners) = (startBytes, endBytes, 0, 2);
            _registration = cancellationToken.CanBeCanceled
                ? cancellationToken.UnsafeRegister(static (state, token) => ((PooledRequest)state!).Signal(new OperationCanceledException(token)), this)
                : default;
            return new ValueTask(this, _core.Version);
        }

        public void Complete(Exception? error)
        {
            _registration.Dispose();
            Signal(error);
            Release();
        }

        // Sets the result once: the group's, or the cancellation's if that came first.
        private void Signal(Exception? error)
        {
            if (Interlocked.Exchange(ref _signalled, 1) != 0)
            {
                return;
            }
            if (error is null)
            {
                _core.SetResult(true);
            }
            else
            {
                _core.SetException(error);
            }
        }

        public void GetResult(short token)
        {
            try
            {
                _core.GetResult(token);
            }
            finally
            {
                Release();
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        private void Release()
        {
            if (Interlocked.Decrement(ref _owners) == 0)
            {
                _core.Reset();
                owner.Return(this);
            }
        }
    }
}
