using System.Runtime.InteropServices;

namespace Writeback.Cli.Interop;

internal static partial class Libc
{
    /// <summary>
    /// sync_file_range(2): starts and/or waits for writeback of the file's dirty pages in a range.
    /// It makes nothing durable: no metadata, no device cache flush (see its man page's warning).
    /// </summary>
    /// <param name="fd">An open file descriptor.</param>
    /// <param name="offset">Byte offset.</param>
    /// <param name="nbytes">Number of bytes.</param>
    /// <param name="flags"><c>SYNC_FILE_RANGE_*</c> flags.</param>
    /// <returns>0, or -1 with errno set.</returns>
    [LibraryImport(LibraryName, EntryPoint = "sync_file_range", SetLastError = true)]
    public static partial int SyncFileRange(int fd, long offset, long nbytes, uint flags);
}
