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

        /// <summary>
        /// msync(2) on a page-aligned range inside a mapping the caller owns; returns 0 or the errno.
        /// msync(2) does not list EINTR, so it is never restarted (<see cref="Eintr"/>).
        /// </summary>
        internal static int MSync(nint address, long lengthBytes, int flags)
        {
            // Safety: the caller passes a page-aligned range inside a file mapping it owns; msync only
            // reads the page tables and writes the file's pages, never the memory itself.
            unsafe
            {
                return msync((void*)address, (nuint)lengthBytes, flags) == 0 ? 0 : LastErrno;
            }
        }
    }
}
