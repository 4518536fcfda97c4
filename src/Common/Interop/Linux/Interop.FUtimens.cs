using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const long UTIME_NOW = (1L << 30) - 1;
        internal const long UTIME_OMIT = (1L << 30) - 2;

        /// <summary>futimens(3); <paramref name="times"/> holds atime then mtime. (glibc's utimensat rejects a null name, so the descriptor form is used.)</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "futimens", SetLastError = true)]
        internal static unsafe partial int futimens(SafeHandle fd, timespec* times);
    }
}
