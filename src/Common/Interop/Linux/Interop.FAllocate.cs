using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <linux/falloc.h>.
        internal const int FALLOC_FL_KEEP_SIZE = 1;
        internal const int FALLOC_FL_PUNCH_HOLE = 2;
        internal const int FALLOC_FL_ZERO_RANGE = 0x10;

        /// <summary>fallocate(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fallocate", SetLastError = true)]
        internal static partial int fallocate(SafeHandle fd, int mode, long offsetBytes, long lengthBytes);

        /// <summary>fallocate(2), restarted on EINTR (<see cref="Eintr"/>: its man page lists it); returns 0 or the errno.</summary>
        internal static int FAllocate(SafeHandle fd, int mode, long offsetBytes, long lengthBytes) =>
            Eintr.Restart((fd, mode, offsetBytes, lengthBytes), static s => fallocate(s.fd, s.mode, s.offsetBytes, s.lengthBytes));
    }
}
