using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>getdents64(2) (glibc 2.30+): raw directory entries, names as the bytes the file system stores.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "getdents64", SetLastError = true)]
        internal static unsafe partial nint GetDents64(SafeFileHandle fd, byte* buffer, nuint countBytes);
    }
}
