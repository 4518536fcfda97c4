using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>getdents64(2) (glibc 2.30+): raw directory entries, names as the bytes the file system stores.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "getdents64", SetLastError = true)]
        internal static unsafe partial nint getdents64(SafeHandle fd, byte* buffer, nuint countBytes);
    }
}
