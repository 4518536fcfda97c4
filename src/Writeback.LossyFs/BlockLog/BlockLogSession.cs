using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.Fuse;
using static Writeback.LossyFs.Fuse.FuseKernel;

namespace Writeback.LossyFs.BlockLog;

/// <summary>
/// Serves the block-log FUSE file system: a root directory holding one file, the device image.
/// Every write, zeroed range and fsync of the image is logged (<see cref="BlockLog"/>) before it
/// is answered, and the file is opened with FOPEN_DIRECT_IO and no writeback cache, so each write
/// the loop driver makes reaches this process at once, in the order the device receives it.
/// One reader thread: requests are logged in the order the kernel hands them over.
/// </summary>
internal sealed partial class BlockLogSession
{
    private const int RequestBufferBytes = FuseSession.MaxWriteBytes + 4096;
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const int NoReply = -1;
    private const ulong ImageNodeId = 2;

    private readonly SafeFileHandle _device;
    private readonly SafeFileHandle _image;
    private readonly long _sizeBytes;
    private readonly BlockLog _log;
    private readonly Action<string> _report;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _initialized = new();

    /// <summary>Creates a session on a mounted /dev/fuse descriptor.</summary>
    public BlockLogSession(SafeFileHandle device, SafeFileHandle image, long sizeBytes, BlockLog log, Action<string> report)
    {
        _device = device;
        _image = image;
        _sizeBytes = sizeBytes;
        _log = log;
        _report = report;
    }

    /// <summary>The file name of the image inside the mount.</summary>
    public const string ImageName = "disk.img";

    /// <summary>Completes when the connection is gone.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Starts the reader thread.</summary>
    public void Start() => new Thread(ReadLoop) { IsBackground = true, Name = "blocklog" }.Start();

    /// <summary>Waits until FUSE_INIT was answered.</summary>
    public bool WaitInitialized(TimeSpan timeout) => _initialized.Wait(timeout);

    private void ReadLoop()
    {
        var request = GC.AllocateUninitializedArray<byte>(RequestBufferBytes, pinned: true);
        var reply = GC.AllocateUninitializedArray<byte>(RequestBufferBytes, pinned: true);
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
                    if (errno is EINTR or EAGAIN or Errno.ENOENT)
                    {
                        continue;
                    }
                    if (errno != Errno.ENODEV)
                    {
                        _report($"read(/dev/fuse) failed: {ErrnoName.Describe(errno)}; the block log stops");
                    }
                    return;
                }
                Dispatch(request.AsSpan(0, (int)count), reply);
            }
        }
        catch (ObjectDisposedException)
        {
            // The device was closed under us: the session is over.
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    private void Dispatch(ReadOnlySpan<byte> request, Span<byte> replyBuffer)
    {
        if (!FuseRequestReader.TryParse(request, out var header, out var bodyBytes))
        {
            return;
        }
        var reply = new FuseReplyWriter(replyBuffer);
        var body = new FuseRequestReader(bodyBytes);
        int errno;
        try
        {
            errno = Handle(header, ref body, ref reply);
        }
#pragma warning disable CA1031 // The one boundary catch: a bug in a handler must not take the device down.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _report($"{(FuseOpcode)header.opcode} failed: {exception.Message}");
            errno = Errno.EIO;
        }
        if (errno != NoReply)
        {
            Send(reply.Finish(header.unique, errno));
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
        int errno = count < 0 ? Interop.LastErrno : 0;
        if (errno is not (0 or Errno.ENOENT or Errno.ENODEV))
        {
            _report($"write(/dev/fuse) of a {bytes.Length}-byte reply failed: {ErrnoName.Describe(errno)}");
        }
    }
}
