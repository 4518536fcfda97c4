using System.Runtime.InteropServices;

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
    }
}
