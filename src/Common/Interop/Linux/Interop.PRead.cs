using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>pread(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pread", SetLastError = true)]
        internal static unsafe partial nint pread(SafeHandle fd, byte* buffer, nuint count, long offsetBytes);
    }
}
