using System.Runtime.CompilerServices;
using Writeback.LossyFs.Volatile;
using static Writeback.LossyFs.Fuse.FuseKernel;

namespace Writeback.LossyFs.Fuse;

// Directory listings: READDIR and READDIRPLUS.
internal sealed partial class FuseSession
{
    private int ReadDir(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply, bool plus)
    {
        if (!TryNode(header, out Node? directory))
        {
            return Errno.ENOENT;
        }
        if (!body.TryRead<FuseReadIn>(out FuseReadIn read) || !_directoryHandles.TryGetValue(read.fh, out List<DirectoryEntry>? entries))
        {
            return Errno.EINVAL;
        }
        if (read.offset == 0 || entries.Count == 0)
        {
            // Offset 0 starts (or rewinds) a listing: take a fresh snapshot.
            int errno = _tree.ListDirectory(directory, out entries);
            if (errno != 0)
            {
                return errno;
            }
            _directoryHandles[read.fh] = entries;
        }
        int limitBytes = (int)Math.Min(read.size, (uint)reply.FreeBytes);
        for (int index = (int)Math.Min(read.offset, (ulong)entries.Count); index < entries.Count; index++)
        {
            if (!AppendDirectoryEntry(entries[index], (ulong)index + 1, plus, limitBytes, ref reply))
            {
                break;
            }
        }
        return 0;
    }

    private bool AppendDirectoryEntry(in DirectoryEntry entry, ulong nextOffset, bool plus, int limitBytes, ref FuseReplyWriter reply)
    {
        byte[] name = LossyTree.EncodeName(entry.Name);
        int entryBytes = FUSE_DIRENT_ALIGN(Unsafe.SizeOf<FuseDirent>() + name.Length) + (plus ? Unsafe.SizeOf<FuseEntryOut>() : 0);
        if (reply.PayloadBytes + entryBytes > limitBytes)
        {
            return false;
        }
        Node node = entry.Node;
        if (plus)
        {
            var entryOut = default(FuseEntryOut);
            // "." and ".." carry no reference: the kernel skips them (fs/fuse/readdir.c).
            if (entry.CountsLookup && _tree.AddLookupIfPresent(node))
            {
                if (_tree.GetAttributes(node, out FuseAttr attr) == 0)
                {
                    entryOut = Entry(node, attr);
                }
                else
                {
                    _tree.Forget(node.NodeId, 1);
                }
            }
            reply.Append(entryOut);
        }
        reply.Append(new FuseDirent
        {
            ino = node.NodeId,
            off = nextOffset,
            namelen = (uint)name.Length,
            type = node.Kind switch { NodeKind.Directory => 4u, NodeKind.Symlink => 10u, _ => 8u }, // DT_DIR, DT_LNK, DT_REG
        });
        reply.Append(name);
        reply.AlignTo8();
        return true;
    }
}
