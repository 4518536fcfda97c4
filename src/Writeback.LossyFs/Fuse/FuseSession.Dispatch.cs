using System.Runtime.CompilerServices;
using Writeback.LossyFs.Volatile;
using static Writeback.LossyFs.Fuse.FuseKernel;

namespace Writeback.LossyFs.Fuse;

internal sealed partial class FuseSession
{
    /// <summary>Returned by handlers of requests that take no reply (FORGET, BATCH_FORGET, INTERRUPT).</summary>
    private const int NoReply = -1;

    /// <summary>
    /// Seconds the kernel may keep a name (entry_valid) and attributes (attr_valid) without asking
    /// again. Every name and attribute change goes through this mount, and the kernel invalidates
    /// what such a change touches itself (the parent on create/unlink/rename, the inode on
    /// setattr/link); with the writeback cache it owns size and mtime anyway. The backing directory
    /// is not changed behind the mount's back, so a long timeout only spares re-LOOKUP/GETATTR round
    /// trips (create+unlink of 10,000 files outlived the former 1 s).
    /// </summary>
    internal const ulong CacheValidSeconds = 60;

    private delegate int Handler(FuseSession session, in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply, byte[] scratch);

    private static readonly Handler?[] s_handlers = BuildTable();

    // LOSSYFS_TRACE=1 logs every request and its errno (debugging aid).
    private static readonly bool s_trace = Environment.GetEnvironmentVariable("LOSSYFS_TRACE") == "1";

    private static Handler?[] BuildTable()
    {
        var table = new Handler?[(int)FuseOpcode.FUSE_TMPFILE + 1];
        table[(int)FuseOpcode.FUSE_INIT] = static (s, in h, ref b, ref r, _) => s.Init(ref b, ref r);
        table[(int)FuseOpcode.FUSE_DESTROY] = static (_, in _, ref _, ref _, _) => 0;
        table[(int)FuseOpcode.FUSE_FORGET] = static (s, in h, ref b, ref r, _) => s.Forget(h, ref b);
        table[(int)FuseOpcode.FUSE_BATCH_FORGET] = static (s, in h, ref b, ref r, _) => s.BatchForget(ref b);
        table[(int)FuseOpcode.FUSE_INTERRUPT] = static (_, in _, ref _, ref _, _) => NoReply; // every request is answered promptly anyway
        table[(int)FuseOpcode.FUSE_LOOKUP] = static (s, in h, ref b, ref r, _) => s.Lookup(h, ref b, ref r);
        table[(int)FuseOpcode.FUSE_GETATTR] = static (s, in h, ref b, ref r, _) => s.GetAttr(h, ref r);
        table[(int)FuseOpcode.FUSE_SETATTR] = static (s, in h, ref b, ref r, _) => s.SetAttr(h, ref b, ref r);
        table[(int)FuseOpcode.FUSE_READLINK] = static (s, in h, ref b, ref r, _) => s.ReadLink(h, ref r);
        table[(int)FuseOpcode.FUSE_SYMLINK] = static (s, in h, ref b, ref r, _) => s.Symlink(h, ref b, ref r);
        table[(int)FuseOpcode.FUSE_MKNOD] = static (s, in h, ref b, ref r, _) => s.Mknod(h, ref b, ref r);
        table[(int)FuseOpcode.FUSE_MKDIR] = static (s, in h, ref b, ref r, _) => s.Mkdir(h, ref b, ref r);
        table[(int)FuseOpcode.FUSE_UNLINK] = static (s, in h, ref b, ref r, _) => s.Remove(h, ref b, directory: false);
        table[(int)FuseOpcode.FUSE_RMDIR] = static (s, in h, ref b, ref r, _) => s.Remove(h, ref b, directory: true);
        table[(int)FuseOpcode.FUSE_RENAME] = static (s, in h, ref b, ref r, _) => s.Rename(h, ref b, extended: false);
        table[(int)FuseOpcode.FUSE_RENAME2] = static (s, in h, ref b, ref r, _) => s.Rename(h, ref b, extended: true);
        table[(int)FuseOpcode.FUSE_LINK] = static (s, in h, ref b, ref r, _) => s.Link(h, ref b, ref r);
        table[(int)FuseOpcode.FUSE_OPEN] = static (s, in h, ref b, ref r, _) => s.Open(h, ref b, ref r, directory: false);
        table[(int)FuseOpcode.FUSE_OPENDIR] = static (s, in h, ref b, ref r, _) => s.Open(h, ref b, ref r, directory: true);
        table[(int)FuseOpcode.FUSE_CREATE] = static (s, in h, ref b, ref r, _) => s.Create(h, ref b, ref r);
        table[(int)FuseOpcode.FUSE_READ] = static (s, in h, ref b, ref r, _) => s.Read(h, ref b, ref r);
        table[(int)FuseOpcode.FUSE_WRITE] = static (s, in h, ref b, ref r, _) => s.Write(h, ref b, ref r);
        table[(int)FuseOpcode.FUSE_FLUSH] = static (s, in h, ref b, ref r, _) => s.Exists(h);
        table[(int)FuseOpcode.FUSE_RELEASE] = static (s, in h, ref b, ref r, _) => s.Release(h);
        table[(int)FuseOpcode.FUSE_RELEASEDIR] = static (s, in h, ref b, ref r, _) => s.ReleaseDir(ref b);
        table[(int)FuseOpcode.FUSE_FSYNC] = static (s, in h, ref b, ref r, scratch) => s.Fsync(h, ref b, scratch);
        table[(int)FuseOpcode.FUSE_FSYNCDIR] = static (s, in h, ref b, ref r, _) => s.FsyncDir(h);
        table[(int)FuseOpcode.FUSE_READDIR] = static (s, in h, ref b, ref r, _) => s.ReadDir(h, ref b, ref r, plus: false);
        table[(int)FuseOpcode.FUSE_READDIRPLUS] = static (s, in h, ref b, ref r, _) => s.ReadDir(h, ref b, ref r, plus: true);
        table[(int)FuseOpcode.FUSE_STATFS] = static (s, in h, ref b, ref r, _) => s.StatFs(ref r);
        table[(int)FuseOpcode.FUSE_ACCESS] = static (s, in h, ref b, ref r, _) => s.Exists(h);
        table[(int)FuseOpcode.FUSE_FALLOCATE] = static (s, in h, ref b, ref r, _) => s.Fallocate(h, ref b);
        // Extended attributes are not kept: ENOSYS makes the kernel stop asking (and answer
        // EOPNOTSUPP itself), which also spares a getxattr("security.capability") per write.
        // Locks stay local to the kernel because FUSE_POSIX_LOCKS is not negotiated.
        return table;
    }

    /// <summary>Parses and serves one request. Never throws: unexpected exceptions become EIO.</summary>
    internal override void Dispatch(ReadOnlySpan<byte> request, Span<byte> replyBuffer, byte[] scratch)
    {
        if (!FuseRequestReader.TryParse(request, out FuseInHeader header, out ReadOnlySpan<byte> bodyBytes))
        {
            if (request.Length >= Unsafe.SizeOf<FuseInHeader>())
            {
                var malformed = new FuseReplyWriter(replyBuffer);
                Send(malformed.Finish(header.unique, Errno.EINVAL));
            }
            return;
        }
        Handler? handler = header.opcode < (uint)s_handlers.Length ? s_handlers[header.opcode] : null;
        var reply = new FuseReplyWriter(replyBuffer);
        var body = new FuseRequestReader(bodyBytes);
        int errno;
        if (handler is null)
        {
            errno = Errno.ENOSYS;
        }
        else if (!_tree.TryEnterRequest())
        {
            errno = header.opcode is (uint)FuseOpcode.FUSE_FORGET or (uint)FuseOpcode.FUSE_BATCH_FORGET or (uint)FuseOpcode.FUSE_INTERRUPT
                ? NoReply : Errno.EIO;
        }
        else
        {
            try
            {
                errno = handler(this, header, ref body, ref reply, scratch);
            }
#pragma warning disable CA1031 // The one boundary catch: a bug in a handler must not take the file system down.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _log($"{(FuseOpcode)header.opcode} on node {header.nodeid} failed: {exception}");
                errno = Errno.EIO;
            }
            finally
            {
                _tree.ExitRequest();
            }
        }
        if (s_trace)
        {
            _log($"{(FuseOpcode)header.opcode} node={header.nodeid} -> {(errno == NoReply ? "no reply" : errno.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        }
        if (errno != NoReply)
        {
            Send(reply.Finish(header.unique, errno));
        }
    }

    private int Init(ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        // fuse_init_in grew over the years; everything since 7.6 has the first four fields.
        if (!body.TryReadAtLeast<FuseInitIn>(16, out FuseInitIn init))
        {
            return Errno.EINVAL;
        }
        if (init.major != FUSE_KERNEL_VERSION)
        {
            // A newer major: answer with ours and the kernel retries (or gives up) — fuse.h "INIT request/reply flags".
            reply.Append(new FuseInitOut { major = FUSE_KERNEL_VERSION, minor = FUSE_KERNEL_MINOR_VERSION });
            return init.major > FUSE_KERNEL_VERSION ? 0 : Errno.EPROTO;
        }
        ulong offered = init.flags | ((init.flags & FUSE_INIT_EXT) != 0 ? (ulong)init.flags2 << 32 : 0);
        ulong wanted = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_WRITEBACK_CACHE | FUSE_PARALLEL_DIROPS | FUSE_MAX_PAGES
            | FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO | FUSE_CACHE_SYMLINKS | FUSE_INIT_EXT;
        ulong granted = offered & wanted;
        ProtocolMinor = Math.Min(init.minor, FUSE_KERNEL_MINOR_VERSION);
        reply.Append(new FuseInitOut
        {
            major = FUSE_KERNEL_VERSION,
            minor = ProtocolMinor,
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

    private int Forget(in FuseInHeader header, ref FuseRequestReader body)
    {
        if (body.TryRead<FuseForgetIn>(out FuseForgetIn forget))
        {
            _tree.Forget(header.nodeid, forget.nlookup);
        }
        return NoReply;
    }

    private int BatchForget(ref FuseRequestReader body)
    {
        if (body.TryRead<FuseBatchForgetIn>(out FuseBatchForgetIn batch))
        {
            for (uint index = 0; index < batch.count && body.TryRead<FuseForgetOne>(out FuseForgetOne one); index++)
            {
                _tree.Forget(one.nodeid, one.nlookup);
            }
        }
        return NoReply;
    }

    private int Exists(in FuseInHeader header) => _tree.Find(header.nodeid) is null ? Errno.ENOENT : 0;

    // NAME_MAX of the backing file systems (ext4, xfs, btrfs, tmpfs): a longer name could never become durable.
    private const int NameMaxBytes = 255;

    private bool TryNode(in FuseInHeader header, out Node node)
    {
        node = _tree.Find(header.nodeid)!;
        return node is not null;
    }

    private int Lookup(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!TryNode(header, out Node? parent))
        {
            return Errno.ENOENT;
        }
        if (!body.TryReadName(out ReadOnlySpan<byte> nameBytes))
        {
            return Errno.EINVAL;
        }
        if (nameBytes.Length > NameMaxBytes)
        {
            return Errno.ENAMETOOLONG;
        }
        int errno = _tree.Lookup(parent, LossyTree.DecodeName(nameBytes), out Node? node);
        return errno != 0 ? errno : ReplyEntry(node!, ref reply);
    }

    /// <summary>Appends a fuse_entry_out; on failure gives back the reference the caller took.</summary>
    private int ReplyEntry(Node node, ref FuseReplyWriter reply)
    {
        int errno = _tree.GetAttributes(node, out FuseAttr attr);
        if (errno != 0)
        {
            _tree.Forget(node.NodeId, 1);
            return errno;
        }
        reply.Append(Entry(node, attr));
        return 0;
    }

    private static FuseEntryOut Entry(Node node, in FuseAttr attr) => new()
    {
        nodeid = node.NodeId,
        generation = 0, // node ids are never reused within a mount
        entry_valid = CacheValidSeconds,
        attr_valid = AttributeValidSeconds(node),
        attr = attr,
    };

    /// <summary>
    /// Regular files: 0, so fstat(2) on an open descriptor asks again and sees the blocks its writes
    /// and fsyncs allocated (the kernel invalidates only size and mtime after writeback, and with
    /// the writeback cache keeps its own size anyway). Others: <see cref="CacheValidSeconds"/>.
    /// </summary>
    private static ulong AttributeValidSeconds(Node node) => node.Kind == NodeKind.File ? 0 : CacheValidSeconds;

    private int GetAttr(in FuseInHeader header, ref FuseReplyWriter reply)
    {
        if (!TryNode(header, out Node? node))
        {
            return Errno.ENOENT;
        }
        int errno = _tree.GetAttributes(node, out FuseAttr attr);
        if (errno == 0)
        {
            reply.Append(new FuseAttrOut { attr_valid = AttributeValidSeconds(node), attr = attr });
        }
        return errno;
    }

    private int SetAttr(in FuseInHeader header, ref FuseRequestReader body, ref FuseReplyWriter reply)
    {
        if (!TryNode(header, out Node? node))
        {
            return Errno.ENOENT;
        }
        if (!body.TryRead<FuseSetattrIn>(out FuseSetattrIn change))
        {
            return Errno.EINVAL;
        }
        int errno = _tree.SetAttributes(node, change);
        return errno != 0 ? errno : GetAttr(header, ref reply);
    }

    private int ReadLink(in FuseInHeader header, ref FuseReplyWriter reply)
    {
        if (!TryNode(header, out Node? node))
        {
            return Errno.ENOENT;
        }
        Span<byte> destination = reply.GetSpan(Math.Min(4096, reply.FreeBytes));
        int errno = _tree.ReadLink(node, destination, out int lengthBytes);
        if (errno == 0)
        {
            reply.Commit(lengthBytes);
        }
        return errno;
    }

    private int StatFs(ref FuseReplyWriter reply)
    {
        int errno = _tree.StatFs(out Interop.StatVfs stat);
        if (errno == 0)
        {
            reply.Append(new FuseStatfsOut
            {
                st = new FuseKstatfs
                {
                    blocks = stat.f_blocks,
                    bfree = stat.f_bfree,
                    bavail = stat.f_bavail,
                    files = stat.f_files,
                    ffree = stat.f_ffree,
                    bsize = (uint)stat.f_bsize,
                    namelen = (uint)stat.f_namemax,
                    frsize = (uint)stat.f_frsize,
                },
            });
        }
        return errno;
    }
}
