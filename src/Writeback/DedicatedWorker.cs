namespace Writeback;

/// <summary>
/// One background thread per file, started by the first piece of work, that takes all queued work
/// at once under a lock and processes it outside the lock. Used by the background writer and the
/// group-commit flusher. Queuing takes the lock briefly and never allocates once the thread runs.
/// </summary>
internal abstract class DedicatedWorker<TItem>
{
    private readonly object _gate = new();
    private readonly string _threadName;
    private readonly object _owner;
    private Thread? _thread;
    private bool _stopping;

    protected DedicatedWorker(object owner, string threadName)
    {
        _owner = owner;
        _threadName = threadName;
    }

    /// <summary>Adds one item to the queue. Called under the lock.</summary>
    protected abstract void Add(TItem item);

    /// <summary>Whether work is queued. Called under the lock.</summary>
    protected abstract bool HasWork { get; }

    /// <summary>Moves all queued work to the worker's own batch. Called under the lock.</summary>
    protected abstract void TakeWork();

    /// <summary>Processes the batch <see cref="TakeWork"/> took. Called on the worker thread, outside the lock.</summary>
    protected abstract void DoWork();

    /// <summary>
    /// Processes whatever is still queued, then stops the thread and waits for it. Work queued
    /// afterwards throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Stop()
    {
        Thread? thread;
        lock (_gate)
        {
            _stopping = true;
            thread = _thread;
            Monitor.Pulse(_gate);
        }
        // Dispose from the worker itself (an event handler on the flusher thread) must not wait for itself.
        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join();
        }
    }

    /// <summary>Queues <paramref name="item"/>, then wakes (or starts) the thread.</summary>
    protected void Enqueue(TItem item)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, _owner);
            Add(item);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = _threadName };
                _thread.Start();
            }
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                while (!HasWork && !_stopping)
                {
                    Monitor.Wait(_gate);
                }
                if (!HasWork)
                {
                    return;
                }
                TakeWork();
            }
            DoWork();
        }
    }
}
