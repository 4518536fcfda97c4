using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>fstatvfs(3).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fstatvfs", SetLastError = true)]
        internal static partial int fstatvfs(SafeHandle fd, out StatVfs buffer);

        /// <summary>fstatvfs(3) (its man page lists EINTR), restarted on EINTR (<see cref="Eintr"/>); returns 0 or the errno.</summary>
        internal static int FStatVfs(SafeHandle fd, out StatVfs buffer) =>
            Eintr.RestartOut(fd, static (SafeHandle fd, out StatVfs buffer) => fstatvfs(fd, out buffer), out buffer);
    }
}
