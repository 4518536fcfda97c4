namespace Writeback.Native;

/// <summary>
/// The test seam: makes chosen system calls fail with a chosen errno without touching the kernel.
/// A file opened without one pays a single null check per call.
/// </summary>
internal sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Rule> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Pause>> _pauses = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes <paramref name="operation"/> (a <see cref="SystemCalls"/> operation name) fail with
    /// <paramref name="errno"/> after <paramref name="succeedFirst"/> successful calls, for
    /// <paramref name="failCount"/> calls.
    /// </summary>
    public FaultInjector Fail(string operation, int errno, int succeedFirst = 0, int failCount = int.MaxValue)
    {
        lock (_gate)
        {
            _rules[operation] = new Rule(errno, succeedFirst, failCount);
        }
        return this;
    }

    /// <summary>How many times <paramref name="operation"/> was attempted (failed or not).</summary>
    public int CallCount(string operation)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault(operation);
        }
    }

    /// <summary>
    /// Makes the next call of <paramref name="operation"/> wait until the returned pause is
    /// released, so a test can queue work while a background thread is inside that call. Called
    /// again before that call happens, it pauses the call after it too (pauses are taken in order).
    /// </summary>
    public Pause PauseNext(string operation)
    {
        var pause = new Pause();
        lock (_gate)
        {
            if (!_pauses.TryGetValue(operation, out var queue))
            {
                _pauses[operation] = queue = new Queue<Pause>();
            }
            queue.Enqueue(pause);
        }
        return pause;
    }

    /// <summary>Counts the call and returns the errno to fail it with, or 0 to make the real call.</summary>
    public int Check(string operation)
    {
        Pause? pause = null;
        lock (_gate)
        {
            if (_pauses.TryGetValue(operation, out var queue) && queue.TryDequeue(out pause))
            {
                pause.Entered.Set();
            }
        }
        pause?.Released.Wait(TimeSpan.FromSeconds(60));
        lock (_gate)
        {
            var count = _calls.GetValueOrDefault(operation);
            _calls[operation] = count + 1;
            if (!_rules.TryGetValue(operation, out var rule))
            {
                return 0;
            }
            if (count < rule.SucceedFirst || count - rule.SucceedFirst >= rule.FailCount)
            {
                return 0;
            }
            return rule.Errno;
        }
    }

    private readonly record struct Rule(int Errno, int SucceedFirst, int FailCount);

    /// <summary>A call held by <see cref="PauseNext"/>.</summary>
    internal sealed class Pause : IDisposable
    {
        /// <summary>Set when a thread has entered the paused call.</summary>
        public ManualResetEventSlim Entered { get; } = new();

        /// <summary>Set to let the paused call proceed (it proceeds anyway after 60 s).</summary>
        public ManualResetEventSlim Released { get; } = new();

        /// <summary>Releases the call.</summary>
        public void Dispose() => Released.Set();
    }
}
