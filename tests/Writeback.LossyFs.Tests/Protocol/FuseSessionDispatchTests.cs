using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.Fuse;
using Writeback.LossyFs.Volatile;

namespace Writeback.LossyFs.Tests.Protocol;

/// <summary>
/// Requests go through the real dispatcher and handlers, without a kernel: the "device" is a file
/// the replies are appended to, so each reply's bytes can be compared with the expected layout.
/// </summary>
public sealed class FuseSessionDispatchTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lossyfs-dispatch-").FullName;
    private readonly string _devicePath;
    private readonly SafeFileHandle _device;
    private readonly LossyTree _tree;
    private readonly FuseSession _session;
    private readonly List<string> _log = [];
    private ulong _unique = 100;

    public FuseSessionDispatchTests()
    {
        string backing = Directory.CreateDirectory(Path.Combine(_root, "backing")).FullName;
        File.WriteAllText(Path.Combine(backing, "old.txt"), "0123456789");
        _devicePath = Path.Combine(_root, "device");
        _device = File.OpenHandle(_devicePath, FileMode.Create, FileAccess.ReadWrite);
        _tree = new LossyTree(backing, namesDurableImmediately: false);
        _session = new FuseSession(_device, _tree, new FaultTable(), _log.Add);
    }

    public void Dispose()
    {
        _tree.Dispose();
        _device.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Backing(string name) => Path.Combine(_root, "backing", name);

    /// <summary>Sends one request; returns the reply bytes written (empty when none).</summary>
    private byte[] Send(FuseOpcode opcode, ulong nodeId, ReadOnlySpan<byte> body)
    {
        long before = new FileInfo(_devicePath).Length;
        var header = new FuseInHeader
        {
            len = (uint)(Unsafe.SizeOf<FuseInHeader>() + body.Length),
            opcode = (uint)opcode,
            unique = ++_unique,
            nodeid = nodeId,
        };
        byte[] request = [.. MemoryMarshal.AsBytes(new ReadOnlySpan<FuseInHeader>(ref header)), .. body];
        _session.Dispatch(request, new byte[FuseSession.MaxWriteBytes + 4096], new byte[FuseSession.MaxWriteBytes]);
        byte[] all = File.ReadAllBytes(_devicePath);
        return all[(int)before..];
    }

    private static byte[] Bytes<T>(T value) where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(ref value)).ToArray();

    private static byte[] Name(string name) => [.. System.Text.Encoding.UTF8.GetBytes(name), 0];

    private static T Payload<T>(byte[] reply) where T : unmanaged => MemoryMarshal.Read<T>(reply.AsSpan(16));

    private const string UniqueMarker = "<unique>";

    /// <summary>The expected fuse_out_header; the unique field is checked separately by <see cref="Hex"/>.</summary>
    private static string Header(uint lengthBytes, int error) =>
        Convert.ToHexString(BitConverter.GetBytes(lengthBytes)) + Convert.ToHexString(BitConverter.GetBytes(error)) + UniqueMarker;

    /// <summary>A reply as hex, its unique (which must echo the request's) replaced by a marker.</summary>
    private string Hex(byte[] reply)
    {
        Assert.Equal(_unique, BitConverter.ToUInt64(reply, 8));
        return Convert.ToHexString(reply.AsSpan(0, 8)) + UniqueMarker + Convert.ToHexString(reply.AsSpan(16));
    }

    private ulong Lookup(string name) => Payload<FuseEntryOut>(Send(FuseOpcode.FUSE_LOOKUP, 1, Name(name))).nodeid;

    [Fact]
    public void Init_reply_negotiates_writeback_cache_and_one_mebibyte_writes()
    {
        var init = new FuseInitIn { major = 7, minor = 41, max_readahead = 131072, flags = uint.MaxValue, flags2 = 0 };
        byte[] reply = Send(FuseOpcode.FUSE_INIT, 0, Bytes(init));
        ulong granted = FuseKernel.FUSE_ASYNC_READ | FuseKernel.FUSE_BIG_WRITES | FuseKernel.FUSE_WRITEBACK_CACHE | FuseKernel.FUSE_PARALLEL_DIROPS
            | FuseKernel.FUSE_MAX_PAGES | FuseKernel.FUSE_DO_READDIRPLUS | FuseKernel.FUSE_READDIRPLUS_AUTO | FuseKernel.FUSE_CACHE_SYMLINKS | FuseKernel.FUSE_INIT_EXT;
        Assert.Equal(
            Header(80, 0)
            + "07000000" + "26000000" + "00000200" + Convert.ToHexString(BitConverter.GetBytes((uint)granted))
            + "4000" + "3000" + "00001000" + "01000000" + "0001" + "0000" + "00000000"
            + new string('0', 7 * 8),
            Hex(reply));
        Assert.True(_session.WaitInitialized(TimeSpan.Zero));
    }

    [Fact]
    public void Lookup_of_a_missing_name_replies_ENOENT_and_unknown_opcodes_ENOSYS()
    {
        Assert.Equal(Header(16, -2), Hex(Send(FuseOpcode.FUSE_LOOKUP, 1, Name("missing"))));
        Assert.Equal(Header(16, -38), Hex(Send(FuseOpcode.FUSE_IOCTL, 1, [])));
        Assert.Equal(Header(16, -38), Hex(Send((FuseOpcode)9999, 1, [])));
    }

    [Fact]
    public void Malformed_bodies_reply_EINVAL_and_never_throw()
    {
        Assert.Equal(Header(16, -22), Hex(Send(FuseOpcode.FUSE_LOOKUP, 1, "no-terminator"u8)));
        Assert.Equal(Header(16, -22), Hex(Send(FuseOpcode.FUSE_WRITE, 1, [1, 2, 3])));
        Assert.Equal(Header(16, -22), Hex(Send(FuseOpcode.FUSE_SETATTR, 1, new byte[10])));
        Assert.Equal(Header(16, -22), Hex(Send(FuseOpcode.FUSE_RENAME, 1, Bytes(new FuseRenameIn { newdir = 1 }))));
        Assert.DoesNotContain(_log, line => line.Contains("failed", StringComparison.Ordinal)); // no handler threw (LOSSYFS_TRACE lines aside)
    }

    [Fact]
    public void Lookup_reply_carries_node_id_timeouts_and_attributes()
    {
        byte[] reply = Send(FuseOpcode.FUSE_LOOKUP, 1, Name("old.txt"));
        Assert.Equal(16 + Unsafe.SizeOf<FuseEntryOut>(), reply.Length);
        Assert.Equal(Header(144, 0), Hex(reply[..16]));
        FuseEntryOut entry = Payload<FuseEntryOut>(reply);
        Assert.NotEqual(0ul, entry.nodeid);
        Assert.Equal(entry.nodeid, entry.attr.ino);
        Assert.Equal(FuseSession.CacheValidSeconds, entry.entry_valid);
        // A regular file's attributes are not cached by the kernel (attr_valid 0), so fstat on an open
        // descriptor asks again and sees the backing file's blocks after writes and fsync.
        Assert.Equal(0ul, entry.attr_valid);
        Assert.Equal(10ul, entry.attr.size);
        Assert.Equal(0x8000u, entry.attr.mode & 0xF000);
        Assert.Equal(1u, entry.attr.nlink);
    }

    [Fact]
    public void Write_is_held_until_fsync_then_reaches_the_backing_file()
    {
        ulong node = Lookup("old.txt");
        var write = new FuseWriteIn { offset = 2, size = 3 };
        byte[] reply = Send(FuseOpcode.FUSE_WRITE, node, [.. Bytes(write), .. "abc"u8]);
        Assert.Equal(Header(24, 0) + "03000000" + "00000000", Hex(reply));
        Assert.Equal("0123456789", File.ReadAllText(Backing("old.txt")));

        byte[] read = Send(FuseOpcode.FUSE_READ, node, Bytes(new FuseReadIn { offset = 0, size = 4096 }));
        Assert.Equal(Header(26, 0) + Convert.ToHexString("01abc56789"u8), Hex(read));

        Assert.Equal(Header(16, 0), Hex(Send(FuseOpcode.FUSE_FSYNC, node, Bytes(new FuseFsyncIn { fsync_flags = FuseKernel.FUSE_FSYNC_FDATASYNC }))));
        Assert.Equal("01abc56789", File.ReadAllText(Backing("old.txt")));
    }

    [Fact]
    public void Setattr_size_is_volatile_until_fsync()
    {
        ulong node = Lookup("old.txt");
        var setattr = new FuseSetattrIn { valid = FuseKernel.FATTR_SIZE, size = 4 };
        byte[] reply = Send(FuseOpcode.FUSE_SETATTR, node, Bytes(setattr));
        Assert.Equal(16 + Unsafe.SizeOf<FuseAttrOut>(), reply.Length);
        Assert.Equal(4ul, Payload<FuseAttrOut>(reply).attr.size);
        Assert.Equal(10, new FileInfo(Backing("old.txt")).Length);
        Send(FuseOpcode.FUSE_FSYNC, node, Bytes(new FuseFsyncIn()));
        Assert.Equal("0123", File.ReadAllText(Backing("old.txt")));
    }

    [Fact]
    public void Create_then_fsyncdir_makes_the_name_durable()
    {
        var create = new FuseCreateIn { flags = 0x42, mode = 0x81A4 };
        byte[] reply = Send(FuseOpcode.FUSE_CREATE, 1, [.. Bytes(create), .. Name("new.txt")]);
        Assert.Equal(16 + Unsafe.SizeOf<FuseEntryOut>() + Unsafe.SizeOf<FuseOpenOut>(), reply.Length);
        FuseOpenOut open = MemoryMarshal.Read<FuseOpenOut>(reply.AsSpan(16 + Unsafe.SizeOf<FuseEntryOut>()));
        Assert.Equal(FuseKernel.FOPEN_KEEP_CACHE, open.open_flags);
        Assert.False(File.Exists(Backing("new.txt")));
        Assert.Equal(Header(16, 0), Hex(Send(FuseOpcode.FUSE_FSYNCDIR, 1, Bytes(new FuseFsyncIn()))));
        Assert.True(File.Exists(Backing("new.txt")));
        Assert.Equal(Header(16, -17), Hex(Send(FuseOpcode.FUSE_CREATE, 1, [.. Bytes(create), .. Name("new.txt")])));
    }

    [Fact]
    public void Readdir_lists_dot_entries_and_names_padded_to_eight_bytes()
    {
        byte[] open = Send(FuseOpcode.FUSE_OPENDIR, 1, Bytes(new FuseOpenIn()));
        ulong handle = Payload<FuseOpenOut>(open).fh;
        byte[] reply = Send(FuseOpcode.FUSE_READDIR, 1, Bytes(new FuseReadIn { fh = handle, offset = 0, size = 4096 }));
        var names = new List<string>();
        int position = 16;
        while (position < reply.Length)
        {
            FuseDirent dirent = MemoryMarshal.Read<FuseDirent>(reply.AsSpan(position));
            names.Add(System.Text.Encoding.UTF8.GetString(reply, position + 24, (int)dirent.namelen));
            Assert.Equal((ulong)names.Count, dirent.off);
            position += FuseKernel.FUSE_DIRENT_ALIGN(24 + (int)dirent.namelen);
        }
        Assert.Equal(reply.Length, position);
        Assert.Equal([".", "..", "old.txt"], names);
        // Reading on from the last offset returns nothing more.
        Assert.Equal(Header(16, 0), Hex(Send(FuseOpcode.FUSE_READDIR, 1, Bytes(new FuseReadIn { fh = handle, offset = 3, size = 4096 }))));
    }

    [Fact]
    public void Forget_and_interrupt_take_no_reply()
    {
        ulong node = Lookup("old.txt");
        Assert.Empty(Send(FuseOpcode.FUSE_FORGET, node, Bytes(new FuseForgetIn { nlookup = 1 })));
        Assert.Empty(Send(FuseOpcode.FUSE_INTERRUPT, 0, Bytes(new FuseInterruptIn { unique = 5 })));
        Assert.Empty(Send(FuseOpcode.FUSE_BATCH_FORGET, 0, [.. Bytes(new FuseBatchForgetIn { count = 1 }), .. Bytes(new FuseForgetOne { nodeid = 999, nlookup = 1 })]));
    }

    [Fact]
    public void Statfs_reply_is_a_fuse_kstatfs()
    {
        byte[] reply = Send(FuseOpcode.FUSE_STATFS, 1, []);
        Assert.Equal(16 + 80, reply.Length);
        FuseStatfsOut statfs = Payload<FuseStatfsOut>(reply);
        Assert.True(statfs.st.bsize > 0);
        Assert.True(statfs.st.namelen >= 255);
    }

    [Fact]
    public void Readdirplus_entries_carry_an_entry_out_before_each_dirent_and_count_a_lookup()
    {
        ulong handle = Payload<FuseOpenOut>(Send(FuseOpcode.FUSE_OPENDIR, 1, Bytes(new FuseOpenIn()))).fh;
        byte[] reply = Send(FuseOpcode.FUSE_READDIRPLUS, 1, Bytes(new FuseReadIn { fh = handle, offset = 0, size = 4096 }));
        int position = 16;
        var entries = new List<(string Name, FuseEntryOut Entry)>();
        while (position < reply.Length)
        {
            FuseEntryOut entry = MemoryMarshal.Read<FuseEntryOut>(reply.AsSpan(position));
            FuseDirent dirent = MemoryMarshal.Read<FuseDirent>(reply.AsSpan(position + Unsafe.SizeOf<FuseEntryOut>()));
            string name = System.Text.Encoding.UTF8.GetString(reply, position + Unsafe.SizeOf<FuseEntryOut>() + 24, (int)dirent.namelen);
            entries.Add((name, entry));
            position += Unsafe.SizeOf<FuseEntryOut>() + FuseKernel.FUSE_DIRENT_ALIGN(24 + (int)dirent.namelen);
        }
        Assert.Equal(reply.Length, position);
        Assert.Equal([".", "..", "old.txt"], entries.Select(entry => entry.Name));
        Assert.Equal(0ul, entries[0].Entry.nodeid); // "." and ".." carry no reference
        Assert.Equal(10ul, entries[2].Entry.attr.size);
        Assert.Equal(entries[2].Entry.nodeid, Lookup("old.txt"));
        // The readdirplus reference and the lookup's: two FORGETs release the node.
        Assert.NotNull(_tree.Find(entries[2].Entry.nodeid));
    }

    [Fact]
    public void Mkdir_link_symlink_readlink_and_rename2_exchange_answer_with_their_structures()
    {
        byte[] mkdir = Send(FuseOpcode.FUSE_MKDIR, 1, [.. Bytes(new FuseMkdirIn { mode = 0x1ED }), .. Name("dir")]);
        Assert.Equal(Header(144, 0), Hex(mkdir[..16]));
        FuseEntryOut directory = Payload<FuseEntryOut>(mkdir);
        Assert.Equal(0x4000u, directory.attr.mode & 0xF000);

        ulong file = Lookup("old.txt");
        byte[] link = Send(FuseOpcode.FUSE_LINK, directory.nodeid, [.. Bytes(new FuseLinkIn { oldnodeid = file }), .. Name("hard")]);
        Assert.Equal(file, Payload<FuseEntryOut>(link).nodeid);
        Assert.Equal(2u, Payload<FuseEntryOut>(link).attr.nlink);

        byte[] symlink = Send(FuseOpcode.FUSE_SYMLINK, 1, [.. Name("sym"), .. Name("old.txt")]);
        ulong symlinkNode = Payload<FuseEntryOut>(symlink).nodeid;
        Assert.Equal(0xA000u, Payload<FuseEntryOut>(symlink).attr.mode & 0xF000);
        Assert.Equal(Header(23, 0) + Convert.ToHexString("old.txt"u8), Hex(Send(FuseOpcode.FUSE_READLINK, symlinkNode, [])));

        var exchange = new FuseRename2In { newdir = directory.nodeid, flags = 2 }; // RENAME_EXCHANGE
        Assert.Equal(Header(16, 0), Hex(Send(FuseOpcode.FUSE_RENAME2, 1, [.. Bytes(exchange), .. Name("sym"), .. Name("hard")])));
        Assert.Equal(file, Lookup("sym"));
        var bad = new FuseRename2In { newdir = 1, flags = 4 }; // RENAME_WHITEOUT is not supported
        Assert.Equal(Header(16, -22), Hex(Send(FuseOpcode.FUSE_RENAME2, 1, [.. Bytes(bad), .. Name("sym"), .. Name("x")])));
    }

    [Fact]
    public void Fallocate_extends_the_volatile_length_and_getattr_reports_it()
    {
        ulong node = Lookup("old.txt");
        var allocate = new FuseFallocateIn { offset = 0, length = 8192, mode = 0 };
        Assert.Equal(Header(16, 0), Hex(Send(FuseOpcode.FUSE_FALLOCATE, node, Bytes(allocate))));
        byte[] getattr = Send(FuseOpcode.FUSE_GETATTR, node, Bytes(new FuseGetattrIn()));
        Assert.Equal(Header(120, 0), Hex(getattr[..16]));
        Assert.Equal(8192ul, Payload<FuseAttrOut>(getattr).attr.size);
        Assert.Equal(10, new FileInfo(Backing("old.txt")).Length);
        Assert.Equal(Header(16, -95), Hex(Send(FuseOpcode.FUSE_FALLOCATE, node, Bytes(allocate with { mode = 0x20 }))));
    }

    [Fact]
    public void After_a_crash_every_request_fails_with_EIO()
    {
        _tree.Crash(new CrashOptions());
        Assert.Equal(Header(16, -5), Hex(Send(FuseOpcode.FUSE_LOOKUP, 1, Name("old.txt"))));
        Assert.Empty(Send(FuseOpcode.FUSE_FORGET, 1, Bytes(new FuseForgetIn { nlookup = 1 })));
    }
}
