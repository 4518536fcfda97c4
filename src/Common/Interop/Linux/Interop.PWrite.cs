using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>pwrite(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pwrite", SetLastError = true)]
        internal static unsafe partial nint pwrite(SafeHandle fd, byte* buffer, nuint count, long offsetBytes);
    }
}
