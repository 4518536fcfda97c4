namespace Writeback.Benchmarks.Core;

/// <summary>
/// One long-lived thread that runs the actions handed to it, one at a time, without the caller
/// waiting: the raw equivalent of the library's background writer, used by S3 to separate what the
/// library adds from what any hand-off of sync_file_range to another thread costs on this machine.
/// </summary>
internal sealed class HelperThread : IDisposable
{
    private readonly SemaphoreSlim _ready = new(0);
    private readonly Thread _thread;
    private volatile Action? _work;
    private volatile bool _stopping;
    private Exception? _failure;

    public HelperThread(string name)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Hands <paramref name="work"/> to the thread and returns at once; the previous action must have finished.</summary>
    public void Post(Action work)
    {
        if (_failure is { } failure)
        {
            throw new InvalidOperationException("the helper thread's previous action failed", failure);
        }
        _work = work;
        _ready.Release();
    }

    private void Loop()
    {
        while (true)
        {
            _ready.Wait();
            if (_stopping)
            {
                return;
            }
            try
            {
                _work?.Invoke();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                _failure = e;
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _ready.Release();
        _thread.Join();
        _ready.Dispose();
    }
}
