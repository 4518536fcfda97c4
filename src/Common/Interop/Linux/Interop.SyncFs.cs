using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>syncfs(2): writes back the dirty pages of the file system <paramref name="fd"/> is on.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "syncfs", SetLastError = true)]
        internal static partial int syncfs(SafeHandle fd);
    }
}
