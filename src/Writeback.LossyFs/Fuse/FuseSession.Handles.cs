using Writeback.LossyFs.Volatile;
using static Writeback.LossyFs.Fuse.FuseKernel;

namespace Writeback.LossyFs.Fuse;

/// <summary>OPEN, OPENDIR, RELEASE and RELEASEDIR: handles, and with them the backing descriptors a file keeps open.</summary>
internal sealed partial class FuseSession
{
    private int Open(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply, bool directory)
    {
        if (!TryNode(header, out Node? node))
        {
            return Errno.ENOENT;
        }
        if (!body.TryRead<FuseOpenIn>(out _))
        {
            return Errno.EINVAL;
        }
        if (directory != (node.Kind == NodeKind.Directory))
        {
            return directory ? Errno.ENOTDIR : Errno.EISDIR;
        }
        ulong handle = 0;
        if (directory)
        {
            handle = (ulong)Interlocked.Increment(ref _nextHandle);
            _directoryHandles[handle] = [];
        }
        else
        {
            // The backing descriptor stays open while the handle is (EMFILE when the server is at its limit).
            int errno = _tree.OpenHandle(node);
            if (errno != 0)
            {
                return errno;
            }
        }
        // KEEP_CACHE: only LossyFs changes the files, so the kernel's cached pages stay valid across opens.
        reply.Append(new FuseOpenOut { fh = handle, open_flags = directory ? 0 : FOPEN_KEEP_CACHE });
        return 0;
    }

    private int Release(in FuseInHeader header)
    {
        if (TryNode(header, out Node? node))
        {
            _tree.ReleaseHandle(node);
        }
        return 0;
    }

    private int ReleaseDir(ref FuseRequestReader body)
    {
        if (body.TryRead<FuseReleaseIn>(out FuseReleaseIn release))
        {
            _directoryHandles.TryRemove(release.fh, out _);
        }
        return 0;
    }
}
