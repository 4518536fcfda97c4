using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.Fuse;
using static Writeback.LossyFs.Fuse.FuseKernel;

namespace Writeback.LossyFs.BlockLog;

/// <summary>
/// Serves the block-log FUSE file system: a root directory holding one file, the device image.
/// Every write, zeroed range and fsync of the image is logged (<see cref="BlockLog"/>) before it
/// is answered, and the file is opened with FOPEN_DIRECT_IO and no writeback cache, so each write
/// the loop driver makes reaches this process at once, in the order the device receives it.
/// One reader thread of <see cref="FuseConnection"/>: requests are logged in the order the kernel
/// hands them over.
/// </summary>
internal sealed partial class BlockLogSession : FuseConnection
{
    private const int NoReply = -1;
    private const ulong ImageNodeId = 2;

    private readonly SafeFileHandle _image;
    private readonly long _sizeBytes;
    private readonly BlockLog _log;
    private readonly Action<string> _report;

    /// <summary>Creates a session on a mounted /dev/fuse descriptor.</summary>
    public BlockLogSession(SafeFileHandle device, SafeFileHandle image, long sizeBytes, BlockLog log, Action<string> report)
        : base(device, report, "blocklog")
    {
        _image = image;
        _sizeBytes = sizeBytes;
        _log = log;
        _report = report;
    }

    /// <summary>The file name of the image inside the mount.</summary>
    public const string ImageName = "disk.img";

    /// <summary>Starts the reader thread.</summary>
    public void Start() => Start(threadCount: 1);

    /// <inheritdoc/>
    internal override void Dispatch(ReadOnlySpan<byte> request, Span<byte> replyBuffer, byte[] scratch)
    {
        if (!FuseRequestReader.TryParse(request, out FuseInHeader header, out ReadOnlySpan<byte> bodyBytes))
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
}
