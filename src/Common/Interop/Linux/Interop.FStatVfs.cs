using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>fstatvfs(3).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fstatvfs", SetLastError = true)]
        internal static partial int fstatvfs(SafeHandle fd, out StatVfs buffer);
    }
}
