using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>ftruncate(2) with a 64-bit off_t (LP64).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "ftruncate", SetLastError = true)]
        internal static partial int ftruncate(SafeHandle fd, long length);

        /// <summary>ftruncate(2), restarted on EINTR (<see cref="Eintr"/>); returns 0 or the errno.</summary>
        internal static int FTruncate(SafeHandle fd, long lengthBytes) =>
            Eintr.Restart((fd, lengthBytes), static state => ftruncate(state.fd, state.lengthBytes));
    }
}
