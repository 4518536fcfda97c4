using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <linux/fadvise.h>
        internal const int POSIX_FADV_RANDOM = 1;
        internal const int POSIX_FADV_DONTNEED = 4;

        /// <summary>posix_fadvise(3): returns the error number (0 on success); it does not set errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "posix_fadvise")]
        internal static partial int posix_fadvise(SafeFileDescriptorHandle fd, long offset, long len, int advice);
    }
}
