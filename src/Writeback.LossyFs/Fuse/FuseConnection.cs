using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs.Fuse;

/// <summary>
/// One FUSE connection's request loop, shared by LossyFs (<see cref="FuseSession"/>) and the block
/// log: reader threads block in read(2) on the same /dev/fuse descriptor (the kernel hands each
/// request to one reader), hand each request to <see cref="Dispatch"/>, which answers it through
/// <see cref="Send"/>. The loop ends when the kernel reports ENODEV (unmounted or aborted).
/// </summary>
internal abstract class FuseConnection
{
    /// <summary>Largest write the kernel may send (negotiated max_write), 1 MiB.</summary>
    public const int MaxWriteBytes = 1 << 20;

    // A request is a header, a fuse_write_in and up to max_write bytes; a page of slack covers the rest.
    private const int RequestBufferBytes = MaxWriteBytes + 4096;
    private const int ReplyBufferBytes = MaxWriteBytes + 4096;

    private readonly SafeFileHandle _device;
    private readonly Action<string> _report;
    private readonly string _threadName;
    private readonly ManualResetEventSlim _initialized = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _runningThreads;

    /// <summary>Creates the loop on an opened, mounted /dev/fuse descriptor; <paramref name="report"/> takes its failures.</summary>
    protected FuseConnection(SafeFileHandle device, Action<string> report, string threadName)
    {
        _device = device;
        _report = report;
        _threadName = threadName;
    }

    /// <summary>Completes when every reader thread has ended (the connection is gone).</summary>
    public Task Ended => _ended.Task;

    /// <summary>Starts <paramref name="threadCount"/> reader threads.</summary>
    public void Start(int threadCount)
    {
        _runningThreads = threadCount;
        for (int index = 0; index < threadCount; index++)
        {
            new Thread(ReadLoop) { IsBackground = true, Name = $"{_threadName}-{index}" }.Start();
        }
    }

    /// <summary>Waits until the kernel's FUSE_INIT was answered.</summary>
    public bool WaitInitialized(TimeSpan timeout) => _initialized.Wait(timeout);

    /// <summary>Parses and serves one request, answering it through <see cref="Send"/>. Never throws.</summary>
    /// <param name="request">The request as read from /dev/fuse.</param>
    /// <param name="replyBuffer">Room for the reply (a header and up to max_write bytes).</param>
    /// <param name="scratch">A reader thread's own max_write-byte buffer.</param>
    internal abstract void Dispatch(ReadOnlySpan<byte> request, Span<byte> replyBuffer, byte[] scratch);

    /// <summary>Marks FUSE_INIT answered (see <see cref="WaitInitialized"/>).</summary>
    protected void SetInitialized() => _initialized.Set();

    /// <summary>Writes one reply to /dev/fuse; a request the kernel no longer waits for (ENOENT) or a gone connection is not an error.</summary>
    protected void Send(ReadOnlySpan<byte> bytes)
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
            _report($"write(/dev/fuse) of a {bytes.Length}-byte reply failed: {ErrnoName.Describe(errno)}");
        }
    }

    private void ReadLoop()
    {
        byte[] request = GC.AllocateUninitializedArray<byte>(RequestBufferBytes, pinned: true);
        byte[] reply = GC.AllocateUninitializedArray<byte>(ReplyBufferBytes, pinned: true);
        byte[] scratch = GC.AllocateUninitializedArray<byte>(MaxWriteBytes);
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
                    if (errno is Errno.EINTR or Errno.EAGAIN or Errno.ENOENT)
                    {
                        continue;
                    }
                    if (errno != Errno.ENODEV)
                    {
                        _report($"read(/dev/fuse) failed: {ErrnoName.Describe(errno)}; this reader stops");
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
}
