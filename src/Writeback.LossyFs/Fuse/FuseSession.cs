using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.Volatile;

namespace Writeback.LossyFs.Fuse;

/// <summary>
/// Serves one FUSE connection: several threads block in read(2) on the same /dev/fuse descriptor
/// (the kernel hands each request to one reader), dispatch through a table indexed by opcode, and
/// write the reply. Ends when the kernel reports ENODEV (unmounted or aborted).
/// </summary>
internal sealed partial class FuseSession
{
    /// <summary>Largest write the kernel may send (negotiated max_write), 1 MiB.</summary>
    public const int MaxWriteBytes = 1 << 20;

    // A request is a header, a fuse_write_in and up to max_write bytes; a page of slack covers the rest.
    private const int RequestBufferBytes = MaxWriteBytes + 4096;
    private const int ReplyBufferBytes = MaxWriteBytes + 4096;
    private const int EINTR = 4;
    private const int EAGAIN = 11;

    private readonly SafeFileHandle _device;
    private readonly LossyTree _tree;
    private readonly FaultTable _faults;
    private readonly Action<string> _log;
    private readonly List<Thread> _threads = [];
    private readonly ManualResetEventSlim _initialized = new();
    private readonly ConcurrentDictionary<ulong, List<DirectoryEntry>> _directoryHandles = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextHandle;
    private int _runningThreads;

    /// <summary>Creates a session on an opened, mounted /dev/fuse descriptor.</summary>
    public FuseSession(SafeFileHandle device, LossyTree tree, FaultTable faults, Action<string> log)
    {
        _device = device;
        _tree = tree;
        _faults = faults;
        _log = log;
    }

    /// <summary>The negotiated protocol minor version (after INIT).</summary>
    public uint ProtocolMinor { get; private set; }

    /// <summary>Completes when every reader thread has ended (the connection is gone).</summary>
    public Task Ended => _ended.Task;

    /// <summary>Starts <paramref name="threadCount"/> reader threads.</summary>
    public void Start(int threadCount)
    {
        _runningThreads = threadCount;
        for (int index = 0; index < threadCount; index++)
        {
            var thread = new Thread(ReadLoop) { IsBackground = true, Name = $"lossyfs-{index}" };
            _threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>Waits until the kernel's FUSE_INIT was answered.</summary>
    public bool WaitInitialized(TimeSpan timeout) => _initialized.Wait(timeout);

    private void ReadLoop()
    {
        var request = GC.AllocateUninitializedArray<byte>(RequestBufferBytes, pinned: true);
        var reply = GC.AllocateUninitializedArray<byte>(ReplyBufferBytes, pinned: true);
        var scratch = GC.AllocateUninitializedArray<byte>(MaxWriteBytes);
        try
        {
            while (true)
            {
                nint count;
                // Safety: request is pinned (allocated on the pinned heap) and count is its length.
                unsafe
                {
                    fixed (byte* pointer = request)
                    {
                        count = Interop.Libc.read(_device, pointer, (nuint)request.Length);
                    }
                }
                if (count < 0)
                {
                    int errno = Interop.LastErrno;
                    // ENOENT: the request was interrupted before we read it; EINTR/EAGAIN: retry.
                    if (errno is EINTR or EAGAIN or Errno.ENOENT)
                    {
                        continue;
                    }
                    if (errno != Errno.ENODEV)
                    {
                        _log($"read(/dev/fuse) failed: {ErrnoName.Describe(errno)}; this reader stops");
                    }
                    return;
                }
                Dispatch(request.AsSpan(0, (int)count), reply, scratch);
            }
        }
        catch (ObjectDisposedException)
        {
            // The device was closed under us: the session is over.
        }
        finally
        {
            if (Interlocked.Decrement(ref _runningThreads) == 0)
            {
                _ended.TrySetResult();
            }
        }
    }

    private void Send(ReadOnlySpan<byte> bytes)
    {
        nint count;
        // Safety: the span is pinned for the call and its length is passed.
        unsafe
        {
            fixed (byte* pointer = bytes)
            {
                count = Interop.Libc.write(_device, pointer, (nuint)bytes.Length);
            }
        }
        // ENOENT: the request was interrupted and the kernel no longer waits for it. Anything else
        // (ENODEV after an abort) ends the session through the readers.
        int errno = count < 0 ? Interop.LastErrno : 0;
        if (errno is not (0 or Errno.ENOENT or Errno.ENODEV))
        {
            _log($"write(/dev/fuse) of a {bytes.Length}-byte reply failed: {ErrnoName.Describe(errno)}");
        }
    }
}
