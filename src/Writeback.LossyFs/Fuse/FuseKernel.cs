using System.Runtime.InteropServices;

// The FUSE kernel ABI, mirroring /usr/include/linux/fuse.h (kernel protocol 7.38). Names are spelled as in
// the header so that each line can be checked against it; FuseAbiTests compares sizes, offsets and values
// with a compiled C probe. Only the opcodes and structures LossyFs speaks are listed.
#pragma warning disable CA1707, IDE1006 // C spelling on purpose.

namespace Writeback.LossyFs.Fuse;

/// <summary><c>enum fuse_opcode</c>.</summary>
internal enum FuseOpcode : uint
{
    FUSE_LOOKUP		= 1,
    FUSE_FORGET		= 2,
    FUSE_GETATTR		= 3,
    FUSE_SETATTR		= 4,
    FUSE_READLINK		= 5,
    FUSE_SYMLINK		= 6,
    FUSE_MKNOD		= 8,
    FUSE_MKDIR		= 9,
    FUSE_UNLINK		= 10,
    FUSE_RMDIR		= 11,
    FUSE_RENAME		= 12,
    FUSE_LINK		= 13,
    FUSE_OPEN		= 14,
    FUSE_READ		= 15,
    FUSE_WRITE		= 16,
    FUSE_STATFS		= 17,
    FUSE_RELEASE		= 18,
    FUSE_FSYNC		= 20,
    FUSE_SETXATTR		= 21,
    FUSE_GETXATTR		= 22,
    FUSE_LISTXATTR		= 23,
    FUSE_REMOVEXATTR	= 24,
    FUSE_FLUSH		= 25,
    FUSE_INIT		= 26,
    FUSE_OPENDIR		= 27,
    FUSE_READDIR		= 28,
    FUSE_RELEASEDIR		= 29,
    FUSE_FSYNCDIR		= 30,
    FUSE_GETLK		= 31,
    FUSE_SETLK		= 32,
    FUSE_SETLKW		= 33,
    FUSE_ACCESS		= 34,
    FUSE_CREATE		= 35,
    FUSE_INTERRUPT		= 36,
    FUSE_BMAP		= 37,
    FUSE_DESTROY		= 38,
    FUSE_IOCTL		= 39,
    FUSE_POLL		= 40,
    FUSE_NOTIFY_REPLY	= 41,
    FUSE_BATCH_FORGET	= 42,
    FUSE_FALLOCATE		= 43,
    FUSE_READDIRPLUS	= 44,
    FUSE_RENAME2		= 45,
    FUSE_LSEEK		= 46,
    FUSE_COPY_FILE_RANGE	= 47,
    FUSE_SETUPMAPPING	= 48,
    FUSE_REMOVEMAPPING	= 49,
    FUSE_SYNCFS		= 50,
    FUSE_TMPFILE		= 51,
}

/// <summary>Protocol constants and flags from linux/fuse.h.</summary>
internal static class FuseKernel
{
    internal const uint FUSE_KERNEL_VERSION = 7;
    internal const uint FUSE_KERNEL_MINOR_VERSION = 38;
    internal const ulong FUSE_ROOT_ID = 1;
    internal const uint FATTR_MODE = 1U << 0;
    internal const uint FATTR_UID = 1U << 1;
    internal const uint FATTR_GID = 1U << 2;
    internal const uint FATTR_SIZE = 1U << 3;
    internal const uint FATTR_ATIME = 1U << 4;
    internal const uint FATTR_MTIME = 1U << 5;
    internal const uint FATTR_FH = 1U << 6;
    internal const uint FATTR_ATIME_NOW = 1U << 7;
    internal const uint FATTR_MTIME_NOW = 1U << 8;
    internal const uint FATTR_LOCKOWNER = 1U << 9;
    internal const uint FATTR_CTIME = 1U << 10;
    internal const uint FATTR_KILL_SUIDGID = 1U << 11;
    internal const uint FOPEN_DIRECT_IO = 1U << 0;
    internal const uint FOPEN_KEEP_CACHE = 1U << 1;
    internal const uint FOPEN_NONSEEKABLE = 1U << 2;
    internal const uint FOPEN_CACHE_DIR = 1U << 3;
    internal const uint FOPEN_STREAM = 1U << 4;
    internal const uint FOPEN_NOFLUSH = 1U << 5;
    internal const uint FOPEN_PARALLEL_DIRECT_WRITES = 1U << 6;
    internal const ulong FUSE_ASYNC_READ = 1UL << 0;
    internal const ulong FUSE_POSIX_LOCKS = 1UL << 1;
    internal const ulong FUSE_FILE_OPS = 1UL << 2;
    internal const ulong FUSE_ATOMIC_O_TRUNC = 1UL << 3;
    internal const ulong FUSE_EXPORT_SUPPORT = 1UL << 4;
    internal const ulong FUSE_BIG_WRITES = 1UL << 5;
    internal const ulong FUSE_DONT_MASK = 1UL << 6;
    internal const ulong FUSE_SPLICE_WRITE = 1UL << 7;
    internal const ulong FUSE_SPLICE_MOVE = 1UL << 8;
    internal const ulong FUSE_SPLICE_READ = 1UL << 9;
    internal const ulong FUSE_FLOCK_LOCKS = 1UL << 10;
    internal const ulong FUSE_HAS_IOCTL_DIR = 1UL << 11;
    internal const ulong FUSE_AUTO_INVAL_DATA = 1UL << 12;
    internal const ulong FUSE_DO_READDIRPLUS = 1UL << 13;
    internal const ulong FUSE_READDIRPLUS_AUTO = 1UL << 14;
    internal const ulong FUSE_ASYNC_DIO = 1UL << 15;
    internal const ulong FUSE_WRITEBACK_CACHE = 1UL << 16;
    internal const ulong FUSE_NO_OPEN_SUPPORT = 1UL << 17;
    internal const ulong FUSE_PARALLEL_DIROPS = 1UL << 18;
    internal const ulong FUSE_HANDLE_KILLPRIV = 1UL << 19;
    internal const ulong FUSE_POSIX_ACL = 1UL << 20;
    internal const ulong FUSE_ABORT_ERROR = 1UL << 21;
    internal const ulong FUSE_MAX_PAGES = 1UL << 22;
    internal const ulong FUSE_CACHE_SYMLINKS = 1UL << 23;
    internal const ulong FUSE_NO_OPENDIR_SUPPORT = 1UL << 24;
    internal const ulong FUSE_EXPLICIT_INVAL_DATA = 1UL << 25;
    internal const ulong FUSE_MAP_ALIGNMENT = 1UL << 26;
    internal const ulong FUSE_SUBMOUNTS = 1UL << 27;
    internal const ulong FUSE_HANDLE_KILLPRIV_V2 = 1UL << 28;
    internal const ulong FUSE_SETXATTR_EXT = 1UL << 29;
    internal const ulong FUSE_INIT_EXT = 1UL << 30;
    internal const ulong FUSE_INIT_RESERVED = 1UL << 31;
    internal const ulong FUSE_SECURITY_CTX = 1UL << 32;
    internal const ulong FUSE_HAS_INODE_DAX = 1UL << 33;
    internal const ulong FUSE_HAS_EXPIRE_ONLY = 1UL << 35;
    internal const uint FUSE_RELEASE_FLUSH = 1U << 0;
    internal const uint FUSE_RELEASE_FLOCK_UNLOCK = 1U << 1;
    internal const uint FUSE_GETATTR_FH = 1U << 0;
    internal const uint FUSE_LK_FLOCK = 1U << 0;
    internal const uint FUSE_WRITE_CACHE = 1U << 0;
    internal const uint FUSE_WRITE_LOCKOWNER = 1U << 1;
    internal const uint FUSE_WRITE_KILL_SUIDGID = 1U << 2;
    internal const uint FUSE_READ_LOCKOWNER = 1U << 1;
    internal const uint FUSE_FSYNC_FDATASYNC = 1U << 0;
    internal const uint FUSE_ATTR_SUBMOUNT = 1U << 0;
    internal const uint FUSE_ATTR_DAX = 1U << 1;
    internal const uint FUSE_OPEN_KILL_SUIDGID = 1U << 0;
    internal const uint FUSE_SETXATTR_ACL_KILL_SGID = 1U << 0;
    internal const uint FUSE_EXPIRE_ONLY = 1U << 0;
    internal const uint FUSE_MIN_READ_BUFFER = 8192;

    /// <summary>ioctl number of <c>FUSE_DEV_IOC_CLONE</c>: <c>_IOR(229, 0, uint32_t)</c>.</summary>
    internal const uint FUSE_DEV_IOC_CLONE = 0x8004E500;

    /// <summary><c>FUSE_REC_ALIGN</c>: directory entries are padded to 8 bytes.</summary>
    internal static int FUSE_DIRENT_ALIGN(int lengthBytes) => (lengthBytes + 7) & ~7;
}

    /// <summary><c>struct fuse_in_header</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseInHeader
    {
        public uint len;
        public uint opcode;
        public ulong unique;
        public ulong nodeid;
        public uint uid;
        public uint gid;
        public uint pid;
        public ushort total_extlen;
        public ushort padding;
    }

    /// <summary><c>struct fuse_out_header</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseOutHeader
    {
        public uint len;
        public int error;
        public ulong unique;
    }

    /// <summary><c>struct fuse_attr</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseAttr
    {
        public ulong ino;
        public ulong size;
        public ulong blocks;
        public ulong atime;
        public ulong mtime;
        public ulong ctime;
        public uint atimensec;
        public uint mtimensec;
        public uint ctimensec;
        public uint mode;
        public uint nlink;
        public uint uid;
        public uint gid;
        public uint rdev;
        public uint blksize;
        public uint flags;
    }

    /// <summary><c>struct fuse_kstatfs</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseKstatfs
    {
        public ulong blocks;
        public ulong bfree;
        public ulong bavail;
        public ulong files;
        public ulong ffree;
        public uint bsize;
        public uint namelen;
        public uint frsize;
        public uint padding;
        public ReservedWords6 spare;
    }

    /// <summary><c>struct fuse_entry_out</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseEntryOut
    {
        public ulong nodeid;
        public ulong generation;
        public ulong entry_valid;
        public ulong attr_valid;
        public uint entry_valid_nsec;
        public uint attr_valid_nsec;
        public FuseAttr attr;
    }

    /// <summary><c>struct fuse_forget_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseForgetIn
    {
        public ulong nlookup;
    }

    /// <summary><c>struct fuse_forget_one</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseForgetOne
    {
        public ulong nodeid;
        public ulong nlookup;
    }

    /// <summary><c>struct fuse_batch_forget_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseBatchForgetIn
    {
        public uint count;
        public uint dummy;
    }

    /// <summary><c>struct fuse_getattr_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseGetattrIn
    {
        public uint getattr_flags;
        public uint dummy;
        public ulong fh;
    }

    /// <summary><c>struct fuse_attr_out</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseAttrOut
    {
        public ulong attr_valid;
        public uint attr_valid_nsec;
        public uint dummy;
        public FuseAttr attr;
    }

    /// <summary><c>struct fuse_mknod_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseMknodIn
    {
        public uint mode;
        public uint rdev;
        public uint umask;
        public uint padding;
    }

    /// <summary><c>struct fuse_mkdir_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseMkdirIn
    {
        public uint mode;
        public uint umask;
    }

    /// <summary><c>struct fuse_rename_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseRenameIn
    {
        public ulong newdir;
    }

    /// <summary><c>struct fuse_rename2_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseRename2In
    {
        public ulong newdir;
        public uint flags;
        public uint padding;
    }

    /// <summary><c>struct fuse_link_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseLinkIn
    {
        public ulong oldnodeid;
    }

    /// <summary><c>struct fuse_setattr_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseSetattrIn
    {
        public uint valid;
        public uint padding;
        public ulong fh;
        public ulong size;
        public ulong lock_owner;
        public ulong atime;
        public ulong mtime;
        public ulong ctime;
        public uint atimensec;
        public uint mtimensec;
        public uint ctimensec;
        public uint mode;
        public uint unused4;
        public uint uid;
        public uint gid;
        public uint unused5;
    }

    /// <summary><c>struct fuse_open_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseOpenIn
    {
        public uint flags;
        public uint open_flags;
    }

    /// <summary><c>struct fuse_create_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseCreateIn
    {
        public uint flags;
        public uint mode;
        public uint umask;
        public uint open_flags;
    }

    /// <summary><c>struct fuse_open_out</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseOpenOut
    {
        public ulong fh;
        public uint open_flags;
        public uint padding;
    }

    /// <summary><c>struct fuse_release_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseReleaseIn
    {
        public ulong fh;
        public uint flags;
        public uint release_flags;
        public ulong lock_owner;
    }

    /// <summary><c>struct fuse_flush_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseFlushIn
    {
        public ulong fh;
        public uint unused;
        public uint padding;
        public ulong lock_owner;
    }

    /// <summary><c>struct fuse_read_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseReadIn
    {
        public ulong fh;
        public ulong offset;
        public uint size;
        public uint read_flags;
        public ulong lock_owner;
        public uint flags;
        public uint padding;
    }

    /// <summary><c>struct fuse_write_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseWriteIn
    {
        public ulong fh;
        public ulong offset;
        public uint size;
        public uint write_flags;
        public ulong lock_owner;
        public uint flags;
        public uint padding;
    }

    /// <summary><c>struct fuse_write_out</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseWriteOut
    {
        public uint size;
        public uint padding;
    }

    /// <summary><c>struct fuse_statfs_out</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseStatfsOut
    {
        public FuseKstatfs st;
    }

    /// <summary><c>struct fuse_fsync_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseFsyncIn
    {
        public ulong fh;
        public uint fsync_flags;
        public uint padding;
    }

    /// <summary><c>struct fuse_getxattr_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseGetxattrIn
    {
        public uint size;
        public uint padding;
    }

    /// <summary><c>struct fuse_getxattr_out</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseGetxattrOut
    {
        public uint size;
        public uint padding;
    }

    /// <summary><c>struct fuse_access_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseAccessIn
    {
        public uint mask;
        public uint padding;
    }

    /// <summary><c>struct fuse_init_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseInitIn
    {
        public uint major;
        public uint minor;
        public uint max_readahead;
        public uint flags;
        public uint flags2;
        public ReservedWords11 unused;
    }

    /// <summary><c>struct fuse_init_out</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseInitOut
    {
        public uint major;
        public uint minor;
        public uint max_readahead;
        public uint flags;
        public ushort max_background;
        public ushort congestion_threshold;
        public uint max_write;
        public uint time_gran;
        public ushort max_pages;
        public ushort map_alignment;
        public uint flags2;
        public ReservedWords7 unused;
    }

    /// <summary><c>struct fuse_interrupt_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseInterruptIn
    {
        public ulong unique;
    }

    /// <summary><c>struct fuse_dirent</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseDirent
    {
        public ulong ino;
        public ulong off;
        public uint namelen;
        public uint type;
    }

    /// <summary><c>struct fuse_fallocate_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseFallocateIn
    {
        public ulong fh;
        public ulong offset;
        public ulong length;
        public uint mode;
        public uint padding;
    }

    /// <summary><c>struct fuse_lseek_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseLseekIn
    {
        public ulong fh;
        public ulong offset;
        public uint whence;
        public uint padding;
    }

    /// <summary><c>struct fuse_lseek_out</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FuseLseekOut
    {
        public ulong offset;
    }

    // The header's reserved uint32_t arrays as inline arrays: the same size and alignment as a C array, with
    // no unsafe fixed buffer. LossyFs never reads them; the kernel and LossyFs send them as zeros.

    /// <summary><c>uint32_t [6]</c>, reserved.</summary>
    [System.Runtime.CompilerServices.InlineArray(6)]
    internal struct ReservedWords6
    {
        private uint _word0;
    }

    /// <summary><c>uint32_t [7]</c>, reserved.</summary>
    [System.Runtime.CompilerServices.InlineArray(7)]
    internal struct ReservedWords7
    {
        private uint _word0;
    }

    /// <summary><c>uint32_t [11]</c>, reserved.</summary>
    [System.Runtime.CompilerServices.InlineArray(11)]
    internal struct ReservedWords11
    {
        private uint _word0;
    }
