using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <fcntl.h>, asm-generic values (x86_64, arm64 and most other architectures).
        internal const int O_RDONLY = 0x0;
        internal const int O_WRONLY = 0x1;
        internal const int O_RDWR = 0x2;
        internal const int O_CREAT = 0x40;     // 0100
        internal const int O_EXCL = 0x80;      // 0200
        internal const int O_TRUNC = 0x200;    // 01000
        internal const int O_NONBLOCK = 0x800; // 04000
        internal const int O_CLOEXEC = 0x80000; // 02000000

        /// <summary>
        /// O_DIRECTORY is 0200000 in asm-generic/fcntl.h (x86, x86_64) but 040000 in
        /// arch/arm64 and arch/arm's fcntl.h.
        /// </summary>
        internal static int O_DIRECTORY =>
            RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

        /// <summary>open(2). The mode is passed for O_CREAT; it is masked by the umask.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int open(string pathname, int flags, int mode);

        /// <summary>
        /// open(2) with O_CLOEXEC added, restarted on EINTR (<see cref="Eintr"/>); returns 0 or the
        /// errno. On failure <paramref name="fd"/> is an invalid handle.
        /// </summary>
        internal static int Open(string path, int flags, int mode, out SafeFileDescriptorHandle fd)
        {
            // int, not a SafeHandle return: the marshaller would widen the 32-bit -1 to 0xFFFFFFFF.
            int result = (int)Eintr.RestartResult((path, flags: flags | O_CLOEXEC, mode), static s => open(s.path, s.flags, s.mode));
            int errno = result < 0 ? LastErrno : 0;
            fd = new SafeFileDescriptorHandle(errno == 0 ? result : -1);
            return errno;
        }
    }
}
