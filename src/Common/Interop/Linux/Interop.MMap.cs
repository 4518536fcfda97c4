using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <asm-generic/mman-common.h>, <linux/mman.h>
        internal const int PROT_NONE = 0x0;
        internal const int PROT_READ = 0x1;
        internal const int PROT_WRITE = 0x2;
        internal const int MAP_SHARED = 0x01;
        internal const int MAP_PRIVATE = 0x02;
        internal const int MAP_FIXED = 0x10;
        internal const int MAP_ANONYMOUS = 0x20;
        internal const int MAP_NORESERVE = 0x4000;
        internal const int MAP_POPULATE = 0x8000;

        /// <summary>The value mmap(2) returns on failure, <c>(void *) -1</c>.</summary>
        // Safety: a constant pointer value, compared with, never dereferenced.
        internal static unsafe void* MAP_FAILED => (void*)-1;

        /// <summary>mmap(2) with a 64-bit off_t (LP64).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "mmap", SetLastError = true)]
        internal static unsafe partial void* mmap(void* addr, nuint length, int prot, int flags, SafeFileDescriptorHandle fd, long offset);
    }
}
