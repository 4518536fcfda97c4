using Writeback.LossyFs.Fuse;
using static Writeback.LossyFs.Fuse.FuseKernel;

namespace Writeback.LossyFs.BlockLog;

internal sealed partial class BlockLogSession
{
    private const uint FALLOC_FL_KEEP_SIZE = 0x01;
    private const uint FALLOC_FL_PUNCH_HOLE = 0x02;
    private const uint FALLOC_FL_ZERO_RANGE = 0x10;
    private const int ZeroChunkBytes = 1 << 20;
    private static readonly byte[] s_zeros = new byte[ZeroChunkBytes];

    private int Handle(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        return (FuseOpcode)header.opcode switch
        {
            FuseOpcode.FUSE_INIT => Init(ref body, ref reply),
            FuseOpcode.FUSE_DESTROY => 0,
            FuseOpcode.FUSE_FORGET or FuseOpcode.FUSE_BATCH_FORGET or FuseOpcode.FUSE_INTERRUPT => NoReply,
            FuseOpcode.FUSE_LOOKUP => Lookup(header, ref body, ref reply),
            FuseOpcode.FUSE_GETATTR or FuseOpcode.FUSE_SETATTR => GetAttr(header, ref reply),
            FuseOpcode.FUSE_OPEN => Open(header, ref reply),
            FuseOpcode.FUSE_READ => Read(ref body, ref reply),
            FuseOpcode.FUSE_WRITE => Write(ref body, ref reply),
            FuseOpcode.FUSE_FSYNC => Fsync(ref body),
            FuseOpcode.FUSE_FALLOCATE => Fallocate(ref body),
            FuseOpcode.FUSE_FLUSH or FuseOpcode.FUSE_RELEASE or FuseOpcode.FUSE_ACCESS => 0,
            FuseOpcode.FUSE_STATFS => StatFs(ref reply),
            _ => Errno.ENOSYS,
        };
    }

    private int Init(ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!body.TryReadAtLeast<FuseInitIn>(16, out FuseInitIn init))
        {
            return Errno.EINVAL;
        }
        if (init.major != FUSE_KERNEL_VERSION)
        {
            reply.Append(new FuseInitOut { major = FUSE_KERNEL_VERSION, minor = FUSE_KERNEL_MINOR_VERSION });
            return init.major > FUSE_KERNEL_VERSION ? 0 : Errno.EPROTO;
        }
        ulong offered = init.flags | ((init.flags & FUSE_INIT_EXT) != 0 ? (ulong)init.flags2 << 32 : 0);
        // No writeback cache and no async reads: writes arrive one by one as the loop driver makes them.
        ulong granted = offered & (FUSE_BIG_WRITES | FUSE_MAX_PAGES | FUSE_INIT_EXT);
        reply.Append(new FuseInitOut
        {
            major = FUSE_KERNEL_VERSION,
            minor = Math.Min(init.minor, FUSE_KERNEL_MINOR_VERSION),
            max_readahead = init.max_readahead,
            flags = (uint)granted,
            flags2 = (uint)(granted >> 32),
            max_background = 64,
            congestion_threshold = 48,
            max_write = MaxWriteBytes,
            time_gran = 1,
            max_pages = MaxWriteBytes / 4096,
        });
        SetInitialized();
        return 0;
    }

    private int Lookup(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (header.nodeid != FUSE_ROOT_ID || !body.TryReadName(out ReadOnlySpan<byte> name))
        {
            return Errno.ENOENT;
        }
        if (!name.SequenceEqual("disk.img"u8))
        {
            return Errno.ENOENT;
        }
        reply.Append(new FuseEntryOut { nodeid = ImageNodeId, entry_valid = 3600, attr_valid = 3600, attr = Attributes(ImageNodeId) });
        return 0;
    }

    private int GetAttr(in FuseInHeader header, ref FuseReplyWriter reply)
    {
        if (header.nodeid is not (FUSE_ROOT_ID or ImageNodeId))
        {
            return Errno.ENOENT;
        }
        reply.Append(new FuseAttrOut { attr_valid = 3600, attr = Attributes(header.nodeid) });
        return 0;
    }

    private FuseAttr Attributes(ulong nodeId) => nodeId == FUSE_ROOT_ID
        ? new FuseAttr { ino = nodeId, mode = Interop.Libc.S_IFDIR | 0x1ED, nlink = 2, blksize = 4096 }
        : new FuseAttr { ino = nodeId, mode = Interop.Libc.S_IFREG | 0x1A4, nlink = 1, size = (ulong)_sizeBytes, blocks = (ulong)(_sizeBytes / 512), blksize = 4096 };

    private static int Open(in FuseInHeader header, ref FuseReplyWriter reply)
    {
        if (header.nodeid != ImageNodeId)
        {
            return Errno.EISDIR;
        }
        reply.Append(new FuseOpenOut { fh = 0, open_flags = FOPEN_DIRECT_IO });
        return 0;
    }

    private int Read(ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!body.TryRead<FuseReadIn>(out FuseReadIn read) || (long)read.offset < 0)
        {
            return Errno.EINVAL;
        }
        long available = Math.Max(0, _sizeBytes - (long)read.offset);
        Span<byte> destination = reply.GetSpan((int)Math.Min(Math.Min(read.size, (uint)reply.FreeBytes), available));
        int total = 0;
        while (total < destination.Length)
        {
            int count = RandomAccess.Read(_image, destination[total..], (long)read.offset + total);
            if (count <= 0)
            {
                destination[total..].Clear(); // past the backing file's end: zeros
                total = destination.Length;
                break;
            }
            total += count;
        }
        reply.Commit(total);
        return 0;
    }

    private int Write(ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!body.TryReadAtLeast<FuseWriteIn>(24, out FuseWriteIn write) || !body.TryReadBytes((int)write.size, out ReadOnlySpan<byte> data) || (long)write.offset < 0)
        {
            return Errno.EINVAL;
        }
        if ((long)write.offset + data.Length > _sizeBytes)
        {
            return Errno.ENOSPC;
        }
        _log.AppendWrite((long)write.offset, data);
        RandomAccess.Write(_image, data, (long)write.offset);
        reply.Append(new FuseWriteOut { size = write.size });
        return 0;
    }

    private int Fsync(ref FuseRequestReader body)
    {
        if (!body.TryRead<FuseFsyncIn>(out FuseFsyncIn fsync))
        {
            return Errno.EINVAL;
        }
        _log.AppendFlush((fsync.fsync_flags & FUSE_FSYNC_FDATASYNC) != 0);
        return 0;
    }

    private int Fallocate(ref FuseRequestReader body)
    {
        if (!body.TryRead<FuseFallocateIn>(out FuseFallocateIn fallocate))
        {
            return Errno.EINVAL;
        }
        if ((fallocate.mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) == 0)
        {
            return (fallocate.mode & ~FALLOC_FL_KEEP_SIZE) == 0 ? 0 : Errno.EOPNOTSUPP; // plain allocation: nothing to record
        }
        long offsetBytes = (long)fallocate.offset;
        long lengthBytes = Math.Min((long)fallocate.length, _sizeBytes - offsetBytes);
        _log.AppendZero(offsetBytes, lengthBytes);
        for (long done = 0; done < lengthBytes; done += ZeroChunkBytes)
        {
            RandomAccess.Write(_image, s_zeros.AsSpan(0, (int)Math.Min(ZeroChunkBytes, lengthBytes - done)), offsetBytes + done);
        }
        return 0;
    }

    private static int StatFs(ref FuseReplyWriter reply)
    {
        reply.Append(new FuseStatfsOut { st = new FuseKstatfs { bsize = 4096, frsize = 4096, namelen = 255 } });
        return 0;
    }
}
