using Writeback.LossyFs.Volatile;
using static Writeback.LossyFs.Fuse.FuseKernel;

namespace Writeback.LossyFs.Fuse;

// Requests on a file's data: read, write, fsync, fsyncdir and fallocate, with injected faults.
internal sealed partial class FuseSession
{
    private int Read(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!TryNode(header, out Node? node))
        {
            return Errno.ENOENT;
        }
        if (!body.TryRead<FuseReadIn>(out FuseReadIn read) || (long)read.offset < 0)
        {
            return Errno.EINVAL;
        }
        Span<byte> destination = reply.GetSpan((int)Math.Min(read.size, (uint)reply.FreeBytes));
        long count = _tree.Read(node, destination, (long)read.offset);
        if (count < 0)
        {
            return (int)-count;
        }
        reply.Commit((int)count);
        return 0;
    }

    private int Write(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!TryNode(header, out Node? node))
        {
            return Errno.ENOENT;
        }
        if (!body.TryReadAtLeast<FuseWriteIn>(24, out FuseWriteIn write) || !body.TryReadBytes((int)write.size, out ReadOnlySpan<byte> data) || (long)write.offset < 0)
        {
            return Errno.EINVAL;
        }
        int errno = InjectedFault(node, FaultOperation.Write, (long)write.offset, data.Length);
        if (errno == 0)
        {
            errno = _tree.Write(node, data, (long)write.offset);
        }
        if (errno == 0)
        {
            reply.Append(new FuseWriteOut { size = write.size });
        }
        return errno;
    }

    private int Fsync(in FuseInHeader header, ref FuseRequestReader body, byte[] scratch)
    {
        if (!TryNode(header, out Node? node))
        {
            return Errno.ENOENT;
        }
        if (!body.TryRead<FuseFsyncIn>(out FuseFsyncIn fsync))
        {
            return Errno.EINVAL;
        }
        int errno = InjectedFault(node, FaultOperation.Fsync, 0, 0);
        return errno != 0 ? errno : _tree.SyncFile(node, (fsync.fsync_flags & FUSE_FSYNC_FDATASYNC) != 0, scratch);
    }

    private int FsyncDir(in FuseInHeader header) =>
        TryNode(header, out Node? node) ? _tree.SyncDirectory(node) : Errno.ENOENT;

    private int InjectedFault(Node node, FaultOperation operation, long offsetBytes, long lengthBytes) =>
        _faults.IsEmpty ? 0 : _faults.Match(_tree.VisiblePath(node), operation, offsetBytes, lengthBytes);

    private int Fallocate(in FuseInHeader header, ref FuseRequestReader body)
    {
        if (!TryNode(header, out Node? node))
        {
            return Errno.ENOENT;
        }
        return body.TryRead<FuseFallocateIn>(out FuseFallocateIn allocate)
            ? _tree.Allocate(node, (long)allocate.offset, (long)allocate.length, allocate.mode)
            : Errno.EINVAL;
    }
}
