namespace Writeback.LossyFs;

#pragma warning disable CA1707 // Constants keep their C spelling so they can be checked against the headers.
internal static partial class Interop
{
    /// <summary>Constants from the Linux UAPI and glibc headers, spelled as in C. The values are x86_64's and arm64's, which agree except where noted.</summary>
    internal static class Consts
    {
        internal const int O_RDONLY = 0;
        internal const int O_WRONLY = 1;
        internal const int O_RDWR = 2;
        internal const int O_ACCMODE = 3;
        internal const int O_CREAT = 0x40;
        internal const int O_EXCL = 0x80;
        internal const int O_TRUNC = 0x200;
        internal const int O_APPEND = 0x400;
        // These two differ between architectures (asm-generic/fcntl.h vs arch/arm64's): x86_64 uses
        // 0200000/0400000, arm and arm64 0040000/0100000. Chosen at run time, as the library does.
        internal static int O_DIRECTORY =>
            System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.Arm64 or System.Runtime.InteropServices.Architecture.Arm ? 0x4000 : 0x10000;
        internal static int O_NOFOLLOW =>
            System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.Arm64 or System.Runtime.InteropServices.Architecture.Arm ? 0x8000 : 0x20000;
        internal const int O_CLOEXEC = 0x80000;
        internal const int O_PATH = 0x200000;

        internal const int AT_FDCWD = -100;
        internal const int AT_SYMLINK_NOFOLLOW = 0x100;
        internal const int AT_REMOVEDIR = 0x200;
        internal const int AT_SYMLINK_FOLLOW = 0x400;
        internal const int AT_EMPTY_PATH = 0x1000;
        internal const int AT_STATX_FORCE_SYNC = 0x2000;

        internal const uint STATX_BASIC_STATS = 0x7ff;

        internal const uint S_IFMT = 0xF000;
        internal const uint S_ISGID = 0x400;
        internal const uint S_IFDIR = 0x4000;
        internal const uint S_IFREG = 0x8000;
        internal const uint S_IFLNK = 0xA000;

        internal const uint RENAME_NOREPLACE = 1;
        internal const uint RENAME_EXCHANGE = 2;
        internal const uint RENAME_WHITEOUT = 4;

        internal const ulong MS_NOSUID = 2;
        internal const ulong MS_NODEV = 4;
        internal const int MNT_DETACH = 2;

        internal const long UTIME_NOW = (1L << 30) - 1;
        internal const long UTIME_OMIT = (1L << 30) - 2;

        internal const int AF_UNIX = 1;
        internal const int SOCK_STREAM = 1;
        internal const int SOL_SOCKET = 1;
        internal const int SCM_RIGHTS = 1;
        internal const int F_SETFD = 2;
        internal const int FD_CLOEXEC = 1;

        internal const int FALLOC_FL_KEEP_SIZE = 1;
    }
}
