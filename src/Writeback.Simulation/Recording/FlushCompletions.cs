using System.Collections.Concurrent;

namespace Writeback.Simulation.Recording;

/// <summary>
/// Holds back the completion of every <see cref="IMappedFile.FlushAsync"/> task until the program
/// waits for it, so that the flush is in flight, neither done nor undone, from the call until the
/// program can have observed its completion; the completion is then a step of its own
/// (<see cref="CallKind.FlushAsyncCompleted"/>).
/// </summary>
/// <remarks>
/// <para>The program observes a completion by blocking on the task (<c>Wait</c>, <c>Result</c>,
/// <c>GetAwaiter().GetResult()</c>), by awaiting it in code the program thread then blocks on, by a
/// continuation, or by reading <c>IsCompleted</c> until it is true. None of these can be intercepted on
/// a <see cref="Task"/>, so the program's progress is watched instead: a task is completed only when
/// the program thread (the one that created the storage) and every thread running a completion's
/// continuations are blocked, and the inner flush has finished. Then nothing the program does can
/// happen before the completion step, and everything it does after waiting comes after it; a program
/// that acknowledges before waiting is caught. Tasks complete one at a time, oldest first, each
/// on a pool thread that runs its continuations inline until they wait again.</para>
/// <para>Whatever is still pending when the workload returns completes then, in order. A program
/// that blocks on something else (a sleep, a lock held by another of its threads) while a flush is
/// pending lets that flush complete there; a program that spins on <c>IsCompleted</c> without ever
/// blocking waits for the watcher's fallback, after 200 ms without any call. A flush started on another
/// thread of the program (Task.Run) completes once that thread blocks too, or after 50 ms without any call.</para>
/// </remarks>
internal sealed class FlushCompletions(ICallObserver observer)
{
    private const int SpinFallbackMs = 200;
    private const int OtherThreadQuietMs = 50;
    private readonly Thread _program = Thread.CurrentThread;
    private readonly ConcurrentQueue<Pending> _pending = new();
    private readonly ConcurrentDictionary<Thread, int> _completionThreads = new();
    private readonly object _watcherGate = new();
    private readonly ManualResetEventSlim _wakeup = new(false, spinCount: 0);
    private Thread? _watcher;
    private long _activity;
    private bool _draining;
    private int _completing;

    /// <summary>Notes that the program made a call: the spin fallback waits for quiet.</summary>
    public void NoteActivity() => Interlocked.Increment(ref _activity);

    /// <summary>Returns the task the program gets for <paramref name="inner"/>: it completes as described above.</summary>
    public Task Hold(Task inner, ObservedCall completion, CancellationToken cancellationToken)
    {
        var pending = new Pending(inner, completion, new TaskCompletionSource(), cancellationToken, Thread.CurrentThread);
        _pending.Enqueue(pending);
        EnsureWatcher();
        _wakeup.Set();
        return pending.Source.Task;
    }

    /// <summary>Completes everything still pending, in order, on the calling thread (the workload has returned).</summary>
    public void CompleteAll()
    {
        Volatile.Write(ref _draining, true);
        while (true)
        {
            // Let a completion the watcher started run its continuations until they wait or end.
            SpinWait.SpinUntil(() => Volatile.Read(ref _completing) == 0 && _completionThreads.Keys.All(IsBlocked));
            if (!_pending.TryDequeue(out Pending? pending))
            {
                return;
            }
            SpinWait.SpinUntil(() => pending.Inner.IsCompleted);
            Complete(pending);
        }
    }

    private void EnsureWatcher()
    {
        lock (_watcherGate)
        {
            if (_watcher is { IsAlive: true })
            {
                return;
            }
            _watcher = new Thread(Watch) { IsBackground = true, Name = "simulated FlushAsync completions" };
            _watcher.Start();
        }
    }

    private void Watch()
    {
        int idleRounds = 0;
        long lastActivity = Interlocked.Read(ref _activity);
        long quietSince = Environment.TickCount64;
        while (true)
        {
            if (!_pending.TryPeek(out Pending? next))
            {
                if (++idleRounds > 1000)
                {
                    lock (_watcherGate)
                    {
                        if (_pending.IsEmpty)
                        {
                            _watcher = null;
                            return;
                        }
                    }
                }
                _wakeup.Wait(1);
                _wakeup.Reset();
                continue;
            }
            idleRounds = 0;
            long activity = Interlocked.Read(ref _activity);
            if (activity != lastActivity)
            {
                lastActivity = activity;
                quietSince = Environment.TickCount64;
            }
            long quietMs = Environment.TickCount64 - quietSince;
            // A flush started on another thread than the program's (Task.Run, a continuation) also
            // waits until that thread blocks, or until the program has made no call for a while.
            bool starterWaiting = next.Starter == _program || _completionThreads.ContainsKey(next.Starter) || IsBlocked(next.Starter) || quietMs > OtherThreadQuietMs;
            if (!Volatile.Read(ref _draining) && Volatile.Read(ref _completing) == 0 && next.Inner.IsCompleted
                && ((ProgramIsWaiting() && starterWaiting) || quietMs > SpinFallbackMs))
            {
                // Counted before it leaves the queue, so CompleteAll never overtakes it.
                Interlocked.Increment(ref _completing);
                if (!Volatile.Read(ref _draining) && _pending.TryDequeue(out Pending? pending))
                {
                    ThreadPool.UnsafeQueueUserWorkItem(CompleteOnPool, pending, preferLocal: false);
                    quietSince = Environment.TickCount64;
                    continue;
                }
                Interlocked.Decrement(ref _completing);
            }
            Thread.Yield();
        }
    }

    private void CompleteOnPool(Pending pending)
    {
        Thread thread = Thread.CurrentThread;
        _completionThreads[thread] = 0;
        Interlocked.Decrement(ref _completing);
        try
        {
            Complete(pending);
        }
        finally
        {
            _completionThreads.TryRemove(thread, out _);
        }
    }

    /// <summary>Whether every thread that runs program code is blocked.</summary>
    private bool ProgramIsWaiting()
    {
        if (!IsBlocked(_program))
        {
            return false;
        }
        foreach (Thread thread in _completionThreads.Keys)
        {
            if (!IsBlocked(thread))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsBlocked(Thread thread) =>
        (thread.ThreadState & (ThreadState.WaitSleepJoin | ThreadState.Stopped)) != 0;

    /// <summary>The completion step: observed as a call (it can fail), then the task completes and its continuations run here.</summary>
    private void Complete(Pending pending)
    {
        if (pending.CancellationToken.IsCancellationRequested)
        {
            // The caller stopped waiting: it never learns of the flush's outcome, which stays in flight.
            pending.Source.TrySetCanceled(pending.CancellationToken);
            return;
        }
        Exception? error = pending.Inner.Exception?.InnerException;
        try
        {
            observer.BeforeCall(pending.Completion);
        }
#pragma warning disable CA1031 // The observer stops the workload here (CallLimitedStorage): the waiting program gets its exception.
        catch (Exception stop)
#pragma warning restore CA1031
        {
            pending.Source.TrySetException(stop);
            return;
        }
        observer.AfterCall(pending.Completion, error);
        if (error is not null)
        {
            pending.Source.TrySetException(error);
        }
        else if (pending.Inner.IsCanceled)
        {
            pending.Source.TrySetCanceled();
        }
        else
        {
            pending.Source.TrySetResult();
        }
    }

    private sealed record Pending(Task Inner, ObservedCall Completion, TaskCompletionSource Source, CancellationToken CancellationToken, Thread Starter);
}
