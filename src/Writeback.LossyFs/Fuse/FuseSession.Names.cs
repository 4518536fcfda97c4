using Writeback.LossyFs.Volatile;
using static Writeback.LossyFs.Fuse.FuseKernel;

namespace Writeback.LossyFs.Fuse;

// Requests on names: create (mknod, mkdir, symlink, create), remove, rename and link.
internal sealed partial class FuseSession
{
    private int CreateNode(in FuseInHeader header, ReadOnlySpan<byte> nameBytes, NodeKind kind, uint mode, byte[]? target, ref FuseReplyWriter reply, out Node? node)
    {
        node = null;
        if (!TryNode(header, out Node? parent))
        {
            return Errno.ENOENT;
        }
        if (nameBytes.Length > NameMaxBytes)
        {
            return Errno.ENAMETOOLONG;
        }
        int errno = _tree.Create(parent, LossyTree.DecodeName(nameBytes), kind, mode, header.uid, header.gid, target, out node);
        return errno != 0 ? errno : ReplyEntry(node!, ref reply);
    }

    private int Symlink(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!body.TryReadName(out ReadOnlySpan<byte> nameBytes) || !body.TryReadPath(out ReadOnlySpan<byte> target))
        {
            return Errno.EINVAL;
        }
        return CreateNode(header, nameBytes, NodeKind.Symlink, 0x1FF, [.. target, 0], ref reply, out _);
    }

    private int Mknod(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!body.TryReadAtLeast<FuseMknodIn>(8, out FuseMknodIn mknod) || !body.TryReadName(out ReadOnlySpan<byte> nameBytes))
        {
            return Errno.EINVAL;
        }
        // Only regular files: devices, FIFOs and sockets have no data to lose.
        if ((mknod.mode & Interop.Libc.S_IFMT) != Interop.Libc.S_IFREG)
        {
            return Errno.EPERM;
        }
        return CreateNode(header, nameBytes, NodeKind.File, mknod.mode, null, ref reply, out _);
    }

    private int Mkdir(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!body.TryRead<FuseMkdirIn>(out FuseMkdirIn mkdir) || !body.TryReadName(out ReadOnlySpan<byte> nameBytes))
        {
            return Errno.EINVAL;
        }
        return CreateNode(header, nameBytes, NodeKind.Directory, mkdir.mode, null, ref reply, out _);
    }

    private int Create(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!body.TryRead<FuseCreateIn>(out FuseCreateIn create) || !body.TryReadName(out ReadOnlySpan<byte> nameBytes))
        {
            return Errno.EINVAL;
        }
        int errno = CreateNode(header, nameBytes, NodeKind.File, create.mode, null, ref reply, out Node? node);
        if (errno == 0)
        {
            // Created with its descriptor open: the handle keeps it (cannot fail, the descriptor is open).
            _tree.OpenHandle(node!);
            reply.Append(new FuseOpenOut { fh = 0, open_flags = FOPEN_KEEP_CACHE });
        }
        return errno;
    }

    private int Remove(in FuseInHeader header, ref FuseRequestReader body, bool directory)
    {
        if (!TryNode(header, out Node? parent))
        {
            return Errno.ENOENT;
        }
        return body.TryReadName(out ReadOnlySpan<byte> nameBytes)
            ? _tree.Remove(parent, LossyTree.DecodeName(nameBytes), directory)
            : Errno.EINVAL;
    }

    private int Rename(in FuseInHeader header, ref FuseRequestReader body, bool extended)
    {
        ulong newDirectoryId;
        uint flags = 0;
        if (extended)
        {
            if (!body.TryRead<FuseRename2In>(out FuseRename2In rename2))
            {
                return Errno.EINVAL;
            }
            (newDirectoryId, flags) = (rename2.newdir, rename2.flags);
        }
        else
        {
            if (!body.TryRead<FuseRenameIn>(out FuseRenameIn rename))
            {
                return Errno.EINVAL;
            }
            newDirectoryId = rename.newdir;
        }
        if (!body.TryReadName(out ReadOnlySpan<byte> oldName) || !body.TryReadName(out ReadOnlySpan<byte> newName))
        {
            return Errno.EINVAL;
        }
        if (newName.Length > NameMaxBytes)
        {
            return Errno.ENAMETOOLONG;
        }
        Node? oldParent = _tree.Find(header.nodeid);
        Node? newParent = _tree.Find(newDirectoryId);
        if (oldParent is null || newParent is null)
        {
            return Errno.ENOENT;
        }
        return _tree.Rename(oldParent, LossyTree.DecodeName(oldName), newParent, LossyTree.DecodeName(newName), flags);
    }

    private int Link(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!body.TryRead<FuseLinkIn>(out FuseLinkIn link) || !body.TryReadName(out ReadOnlySpan<byte> nameBytes))
        {
            return Errno.EINVAL;
        }
        Node? node = _tree.Find(link.oldnodeid);
        if (node is null || !TryNode(header, out Node? parent))
        {
            return Errno.ENOENT;
        }
        if (nameBytes.Length > NameMaxBytes)
        {
            return Errno.ENAMETOOLONG;
        }
        int errno = _tree.Link(node, parent, LossyTree.DecodeName(nameBytes));
        return errno != 0 ? errno : ReplyEntry(node, ref reply);
    }
}
