using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int SEEK_SET = 0;
        internal const int SEEK_END = 2;

        /// <summary>lseek(2) with a 64-bit off_t (LP64).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "lseek", SetLastError = true)]
        internal static partial long lseek(SafeFileDescriptorHandle fd, long offset, int whence);
    }
}
