using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <linux/fs.h>
        internal const uint SYNC_FILE_RANGE_WAIT_BEFORE = 1;
        internal const uint SYNC_FILE_RANGE_WRITE = 2;
        internal const uint SYNC_FILE_RANGE_WAIT_AFTER = 4;

        /// <summary>sync_file_range(2). With SYNC_FILE_RANGE_WRITE it starts writeback and guarantees nothing.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "sync_file_range", SetLastError = true)]
        internal static partial int sync_file_range(SafeFileDescriptorHandle fd, long offset, long nbytes, uint flags);

        /// <summary>sync_file_range(2), restarted on EINTR (<see cref="Eintr"/>); returns 0 or the errno.</summary>
        internal static int SyncFileRange(SafeFileDescriptorHandle fd, long offsetBytes, long lengthBytes, uint flags) =>
            Eintr.Restart((fd, offsetBytes, lengthBytes, flags), static s => sync_file_range(s.fd, s.offsetBytes, s.lengthBytes, s.flags));
    }
}
