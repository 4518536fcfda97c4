namespace Writeback;

/// <summary>
/// The user-space MS_ASYNC of the 2012 proposal: one thread per file, created on first use, that
/// calls sync_file_range(SYNC_FILE_RANGE_WRITE) on the ranges handed to it. sync_file_range itself
/// blocks when the device queue is full, which is why it runs here and not on the caller's thread.
/// <see cref="Enqueue"/> takes a short lock and never allocates after the thread exists.
/// </summary>
internal sealed class BackgroundWriter
{
    private const int PendingCapacity = 64;

    private readonly MappedFile _file;
    private readonly object _gate = new();
    private readonly PendingRangeSet _pending = new(PendingCapacity);
    private readonly long[] _batchStarts = new long[PendingCapacity];
    private readonly long[] _batchEnds = new long[PendingCapacity];
    private Thread? _thread;
    private bool _stopping;

    public BackgroundWriter(MappedFile file) => _file = file;

    /// <summary>Queues the page-aligned range [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public void Enqueue(long start, long end)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, _file);
            _pending.Add(start, end);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "Writeback writer" };
                _thread.Start();
            }
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Lets the thread start writeback of what is queued, then stops it and waits for it.</summary>
    public void Stop()
    {
        Thread? thread;
        lock (_gate)
        {
            _stopping = true;
            thread = _thread;
            Monitor.Pulse(_gate);
        }
        thread?.Join();
    }

    private void Run()
    {
        while (true)
        {
            int count;
            lock (_gate)
            {
                while (_pending.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_gate);
                }
                if (_pending.Count == 0)
                {
                    return;
                }
                count = _pending.Count;
                for (var i = 0; i < count; i++)
                {
                    (_batchStarts[i], _batchEnds[i]) = _pending[i];
                }
                _pending.Clear();
            }
            for (var i = 0; i < count; i++)
            {
                // After a failure the file is poisoned: starting more I/O would report nothing.
                if (!_file.StartWritebackNow(_batchStarts[i], _batchEnds[i]))
                {
                    break;
                }
            }
        }
    }
}
