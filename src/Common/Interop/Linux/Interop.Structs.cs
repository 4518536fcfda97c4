using System.Runtime.InteropServices;

#pragma warning disable CA1707, IDE1006 // Field names keep their C spelling so layouts can be checked against the headers.
internal static partial class Interop
{
    /// <summary>struct statx_timestamp (linux/stat.h), 16 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct StatxTimestamp
    {
        public long tv_sec;
        public uint tv_nsec;
        public int __reserved;
    }

    /// <summary>struct statx (linux/stat.h), 256 bytes on every architecture.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    internal struct StatxBuffer
    {
        public uint stx_mask;
        public uint stx_blksize;
        public ulong stx_attributes;
        public uint stx_nlink;
        public uint stx_uid;
        public uint stx_gid;
        public ushort stx_mode;
        public ushort __spare0;
        public ulong stx_ino;
        public ulong stx_size;
        public ulong stx_blocks;
        public ulong stx_attributes_mask;
        public StatxTimestamp stx_atime;
        public StatxTimestamp stx_btime;
        public StatxTimestamp stx_ctime;
        public StatxTimestamp stx_mtime;
        public uint stx_rdev_major;
        public uint stx_rdev_minor;
        public uint stx_dev_major;
        public uint stx_dev_minor;
    }

    /// <summary>struct statvfs (glibc, LP64 Linux: x86_64 and arm64), 112 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 112)]
    internal struct StatVfs
    {
        public ulong f_bsize;
        public ulong f_frsize;
        public ulong f_blocks;
        public ulong f_bfree;
        public ulong f_bavail;
        public ulong f_files;
        public ulong f_ffree;
        public ulong f_favail;
        public ulong f_fsid;
        public ulong f_flag;
        public ulong f_namemax;
    }

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVec
    {
        public unsafe void* iov_base;
        public nuint iov_len;
    }

    /// <summary>struct msghdr (LP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MsgHdr
    {
        public unsafe void* msg_name;
        public uint msg_namelen;
        public unsafe IoVec* msg_iov;
        public nuint msg_iovlen;
        public unsafe void* msg_control;
        public nuint msg_controllen;
        public int msg_flags;
    }

    /// <summary>struct cmsghdr (LP64) followed by one int, as SCM_RIGHTS with one descriptor carries.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CmsgWithFd
    {
        public nuint cmsg_len;
        public int cmsg_level;
        public int cmsg_type;
        public int fd;
        public int padding;
    }
}
