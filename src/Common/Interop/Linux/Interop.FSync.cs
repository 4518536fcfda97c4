using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>fsync(2): the file's data and metadata.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fsync", SetLastError = true)]
        internal static partial int fsync(SafeHandle fd);

        /// <summary>fsync(2), restarted on EINTR (<see cref="Eintr"/>); returns 0 or the errno.</summary>
        internal static int FSync(SafeHandle fd) => Eintr.Restart(fd, static fd => fsync(fd));
    }
}
