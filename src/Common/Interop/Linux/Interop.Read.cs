using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>read(2) into a raw buffer; used for /dev/fuse, where one read returns one request.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "read", SetLastError = true)]
        internal static unsafe partial nint read(SafeHandle fd, byte* buffer, nuint count);
    }
}
