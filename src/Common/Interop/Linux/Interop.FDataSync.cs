using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>fdatasync(2): the file's data and the metadata needed to read it back.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fdatasync", SetLastError = true)]
        internal static partial int fdatasync(SafeHandle fd);

        /// <summary>fdatasync(2), restarted on EINTR (<see cref="Eintr"/>); returns 0 or the errno.</summary>
        internal static int FDataSync(SafeHandle fd) => Eintr.Restart(fd, static fd => fdatasync(fd));
    }
}
