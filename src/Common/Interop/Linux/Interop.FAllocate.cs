using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <linux/falloc.h>.
        internal const int FALLOC_FL_KEEP_SIZE = 1;
        internal const int FALLOC_FL_PUNCH_HOLE = 2;
        internal const int FALLOC_FL_ZERO_RANGE = 0x10;

        /// <summary>fallocate(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fallocate", SetLastError = true)]
        internal static partial int fallocate(SafeHandle fd, int mode, long offsetBytes, long lengthBytes);
    }
}
