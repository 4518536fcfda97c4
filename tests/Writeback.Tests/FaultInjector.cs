using System.Runtime.InteropServices;
using Writeback.Backends;
using Writeback.Native;

namespace Writeback.Tests;

/// <summary>
/// The test seam: the real backend (derived from it, calling the system through <c>base</c>) with
/// chosen calls failing with a chosen errno without touching the kernel, counted, and held until
/// the test releases them. The durability engine is wrapped the same way (<see cref="Engine"/>).
/// Calls are keyed by their system-call names (<see cref="SystemCalls"/>); the engine's
/// asynchronous work is keyed by the call it stands for (a range sync is "msync", a whole-file
/// sync "fsync", a writeback start "sync_file_range") whichever engine runs it.
/// </summary>
internal sealed class FaultInjector : MappingBackend
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Rule> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Pause>> _pauses = new(StringComparer.Ordinal);

    private FaultingEngine? _engine;

    /// <summary>
    /// Makes <paramref name="operation"/> fail with <paramref name="errno"/> after
    /// <paramref name="succeedFirst"/> successful calls, for <paramref name="failCount"/> calls.
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
    /// released. Called again before that call happens, it pauses the call after it too.
    /// An asynchronous request that is paused waits on a thread of its own, never the submitter's.
    /// </summary>
    public Pause PauseNext(string operation)
    {
        var pause = new Pause();
        lock (_gate)
        {
            if (!_pauses.TryGetValue(operation, out Queue<Pause>? queue))
            {
                _pauses[operation] = queue = new Queue<Pause>();
            }
            queue.Enqueue(pause);
        }
        return pause;
    }

    private int Check(string operation)
    {
        Pause? pause = null;
        lock (_gate)
        {
            if (_pauses.TryGetValue(operation, out Queue<Pause>? queue) && queue.TryDequeue(out pause))
            {
                pause.Entered.Set();
            }
        }
        pause?.Released.Wait(TimeSpan.FromSeconds(60));
        lock (_gate)
        {
            int count = _calls.GetValueOrDefault(operation);
            _calls[operation] = count + 1;
            if (!_rules.TryGetValue(operation, out Rule rule) || count < rule.SucceedFirst || count - rule.SucceedFirst >= rule.FailCount)
            {
                return 0;
            }
            return rule.Errno;
        }
    }

    private bool HasPause(string operation)
    {
        lock (_gate)
        {
            return _pauses.TryGetValue(operation, out Queue<Pause>? queue) && queue.Count > 0;
        }
    }

    private static string KeyOf(AsyncOperation operation) => operation switch
    {
        AsyncOperation.StartWriteback => SystemCalls.SyncFileRange,
        AsyncOperation.SyncRange => SystemCalls.MSync,
        _ => SystemCalls.FSync,
    };

    public override DurabilityEngine Engine => _engine ??= new FaultingEngine(this, base.Engine);

    public override int Open(string path, MappedFileOptions options, out SafeHandle file, out bool created)
    {
        (file, created) = (new SafeFileDescriptorHandle(), false);
        return Check(SystemCalls.Open) is var e and not 0 ? e : base.Open(path, options, out file, out created);
    }

    public override int OpenDirectory(string path, out SafeHandle directory)
    {
        directory = new SafeFileDescriptorHandle();
        return Check(SystemCalls.Open) is var e and not 0 ? e : base.OpenDirectory(path, out directory);
    }

    public override int SetFileLength(SafeHandle file, long lengthBytes) =>
        Check(SystemCalls.FTruncate) is var e and not 0 ? e : base.SetFileLength(file, lengthBytes);

    public override int GetFileLength(SafeHandle file, out long lengthBytes)
    {
        lengthBytes = 0;
        return Check(SystemCalls.LSeek) is var e and not 0 ? e : base.GetFileLength(file, out lengthBytes);
    }

    public override int Reserve(long reservedBytes, out SafeMappingHandle reservation)
    {
        reservation = new SafeMappingHandle();
        return Check(SystemCalls.MMap) is var e and not 0 ? e : base.Reserve(reservedBytes, out reservation);
    }

    public override int Map(SafeHandle file, nint address, long offsetBytes, long lengthBytes, bool writable) =>
        Check(SystemCalls.MMap) is var e and not 0 ? e : base.Map(file, address, offsetBytes, lengthBytes, writable);

    public override int Unmap(nint address, long lengthBytes) =>
        Check(SystemCalls.MMap) is var e and not 0 ? e : base.Unmap(address, lengthBytes);

    public override int SyncRange(nint address, long lengthBytes) =>
        Check(SystemCalls.MSync) is var e and not 0 ? e : base.SyncRange(address, lengthBytes);

    public override int SyncFile(SafeHandle file) =>
        Check(SystemCalls.FSync) is var e and not 0 ? e : base.SyncFile(file);

    public override int QueryPageCache(SafeHandle file, long offsetBytes, long lengthBytes, out PageCacheState state)
    {
        state = default;
        return Check(SystemCalls.Cachestat) is var e and not 0 ? e : base.QueryPageCache(file, offsetBytes, lengthBytes, out state);
    }

    public override int Advise(nint address, long lengthBytes, MemoryAdvice advice) =>
        Check(SystemCalls.MAdvise) is var e and not 0 ? e : base.Advise(address, lengthBytes, advice);

    public override int Lock(nint address, long lengthBytes, bool lockPages) =>
        Check(lockPages ? SystemCalls.MLock : SystemCalls.MUnlock) is var e and not 0 ? e : base.Lock(address, lengthBytes, lockPages);

    public override int Unlink(string path) => Check(SystemCalls.Unlink) is var e and not 0 ? e : base.Unlink(path);

    public override int Rename(string sourcePath, string targetPath) =>
        Check(SystemCalls.Rename) is var e and not 0 ? e : base.Rename(sourcePath, targetPath);

    /// <summary>The real engine with the same rules applied to each request before it reaches the kernel.</summary>
    private sealed class FaultingEngine(FaultInjector faults, DurabilityEngine inner) : DurabilityEngine
    {
        public override string Description => inner.Description;

        public override long MaxRequestBytes => inner.MaxRequestBytes;

        public override string NameOf(AsyncOperation operation) => inner.NameOf(operation);

        public override void Submit(in AsyncRequest request)
        {
            string key = KeyOf(request.Operation);
            AsyncRequest copy = request;
            if (faults.HasPause(key))
            {
                new Thread(() => SubmitChecked(key, copy)) { IsBackground = true, Name = "fault injector pause" }.Start();
                return;
            }
            SubmitChecked(key, copy);
        }

        // An injected failure completes the request on a thread-pool thread, as an engine would on its own.
        private void SubmitChecked(string key, AsyncRequest request)
        {
            int errno = faults.Check(key);
            if (errno == 0)
            {
                inner.Submit(request);
                return;
            }
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Request.Target.OnCompleted(state.Request, state.Errno), (Request: request, Errno: errno), preferLocal: false);
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
