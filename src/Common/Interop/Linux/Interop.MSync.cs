using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <asm-generic/mman-common.h>
        internal const int MS_ASYNC = 1;
        internal const int MS_INVALIDATE = 2;
        internal const int MS_SYNC = 4;

        /// <summary>msync(2). Since Linux 3.16 (7fc34a62ca44) MS_SYNC syncs the given range only.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "msync", SetLastError = true)]
        internal static unsafe partial int msync(void* addr, nuint length, int flags);
    }
}
