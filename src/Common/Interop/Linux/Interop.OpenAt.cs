using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <fcntl.h>; O_RDONLY..O_CLOEXEC and O_DIRECTORY are with open(2) in Interop.Open.cs.
        internal const int O_ACCMODE = 3;
        internal const int O_APPEND = 0x400;     // 02000
        /// <summary>O_NOFOLLOW is 0400000 in asm-generic/fcntl.h (x86, x86_64) but 0100000 in arch/arm64 and arch/arm's fcntl.h.</summary>
        internal static int O_NOFOLLOW => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;
        internal const int O_PATH = 0x200000;    // 010000000
        internal const int AT_FDCWD = -100;
        internal const int AT_SYMLINK_NOFOLLOW = 0x100;
        internal const int AT_EMPTY_PATH = 0x1000;

        /// <summary>
        /// openat(2) of a path relative to AT_FDCWD. <paramref name="dirFd"/> stays an int because
        /// AT_FDCWD (-100) is no descriptor a SafeHandle could own. The path is UTF-8.
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int openat(int dirFd, string path, int flags, uint mode);

        /// <summary>
        /// openat(2) of one directory entry of <paramref name="dirFd"/>; the name is passed as its
        /// bytes (<see cref="ByteNameMarshaller"/>), so names that are not UTF-8 work. Returns the
        /// new descriptor as an int, not a SafeHandle: the marshaller would widen a 32-bit -1 to
        /// 0xFFFFFFFF, and the caller wraps it at once.
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int openat(SafeHandle dirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string path, int flags, uint mode);

        /// <summary>
        /// <see cref="openat(int, string, int, uint)"/>, restarted on EINTR (<see cref="Eintr"/>).
        /// Returns the descriptor, or -1 with the errno left in <see cref="LastErrno"/>.
        /// </summary>
        internal static int OpenAt(int dirFd, string path, int flags, uint mode) =>
            (int)Eintr.RestartResult((dirFd, path, flags, mode), static s => openat(s.dirFd, s.path, s.flags, s.mode));

        /// <summary>
        /// <see cref="openat(SafeHandle, string, int, uint)"/>, restarted on EINTR (<see cref="Eintr"/>).
        /// Returns the descriptor, or -1 with the errno left in <see cref="LastErrno"/>.
        /// </summary>
        internal static int OpenAt(SafeHandle dirFd, string path, int flags, uint mode) =>
            (int)Eintr.RestartResult((dirFd, path, flags, mode), static s => openat(s.dirFd, s.path, s.flags, s.mode));
    }
}
