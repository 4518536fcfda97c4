using System.Runtime.CompilerServices;
using Writeback.Native;

namespace Writeback.Backends.Linux;

/// <summary>
/// The fallback engine: a fixed number of threads (two), started with the engine, that make the
/// synchronous calls: sync_file_range(SYNC_FILE_RANGE_WRITE) for writeback starts (it can block
/// when the device queue is full, which is why it runs here and not on the caller's thread),
/// msync(MS_SYNC) for range syncs and fsync(2) for whole-file syncs. Queuing takes a short lock.
/// </summary>
internal sealed class PoolEngine : DurabilityEngine
{
    /// <summary>The number of threads: two, so one long sync does not hold up every other file.</summary>
    public const int ThreadCount = 2;

    private readonly object _gate = new();
    private readonly Queue<AsyncRequest> _queue = new(256);

    public PoolEngine()
    {
        for (int i = 0; i < ThreadCount; i++)
        {
            new Thread(Run) { IsBackground = true, Name = "Writeback engine (pool)" }.Start();
        }
    }

    public override string Description => $"thread pool ({ThreadCount} threads)";

    public override long MaxRequestBytes => long.MaxValue;

    public override string NameOf(AsyncOperation operation) => operation switch
    {
        AsyncOperation.StartWriteback => SystemCalls.SyncFileRange,
        AsyncOperation.SyncRange => SystemCalls.MSync,
        _ => SystemCalls.FSync,
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Submit(in AsyncRequest request)
    {
        lock (_gate)
        {
            _queue.Enqueue(request);
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        MarkEngineThread();
        while (true)
        {
            AsyncRequest request;
            lock (_gate)
            {
                while (!_queue.TryDequeue(out request))
                {
                    Monitor.Wait(_gate);
                }
            }
            request.Target.OnCompleted(request, Execute(request));
        }
    }

    private static int Execute(in AsyncRequest request)
    {
        var fd = (SafeFileDescriptorHandle)request.File;
        return request.Operation switch
        {
            AsyncOperation.StartWriteback => Interop.Libc.SyncFileRange(fd, request.OffsetBytes, request.LengthBytes, Interop.Libc.SYNC_FILE_RANGE_WRITE),
            AsyncOperation.SyncRange => Interop.Libc.MSync(request.Address, request.LengthBytes, Interop.Libc.MS_SYNC),
            _ => Interop.Libc.FSync(fd),
        };
    }
}
