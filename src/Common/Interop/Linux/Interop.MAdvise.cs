using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <asm-generic/mman-common.h>
        internal const int MADV_NORMAL = 0;
        internal const int MADV_RANDOM = 1;
        internal const int MADV_SEQUENTIAL = 2;
        internal const int MADV_WILLNEED = 3;
        internal const int MADV_DONTNEED = 4;
        internal const int MADV_PAGEOUT = 21;

        /// <summary>madvise(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "madvise", SetLastError = true)]
        internal static unsafe partial int madvise(void* addr, nuint length, int advice);
    }
}
