using System.Runtime.InteropServices;

namespace Writeback.Cli.Interop;

internal static partial class Libc
{
    /// <summary>msync(MS_SYNC) of a page-aligned range; throws on failure.</summary>
    /// <param name="address">Page-aligned address of the range in the mapping.</param>
    /// <param name="lengthBytes">Length in bytes.</param>
    /// <param name="path">The mapped file, for the message.</param>
    /// <param name="offsetBytes">The range's offset in the file, for the message.</param>
    public static unsafe void MsyncOrThrow(void* address, long lengthBytes, string path, long offsetBytes)
    {
        // msync(2) does not list EINTR: no retry.
        if (Msync(address, (nuint)lengthBytes, MS_SYNC) == -1)
        {
            throw new WritebackException("msync", path, offsetBytes, lengthBytes, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>fdatasync(2); throws on failure. Never retried after a failure other than EINTR.</summary>
    /// <param name="fd">The file descriptor.</param>
    /// <param name="path">The file, for the message.</param>
    public static void FdatasyncOrThrow(int fd, string path)
    {
        int result;
        int errno;
        do
        {
            result = Fdatasync(fd);
            errno = result == -1 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (errno == EINTR);

        if (result == -1)
        {
            throw new WritebackException("fdatasync", path, null, null, errno);
        }
    }

    /// <summary>sync_file_range(2) with <paramref name="flags"/>; throws on failure.</summary>
    /// <param name="fd">The file descriptor.</param>
    /// <param name="offsetBytes">The range's start.</param>
    /// <param name="lengthBytes">The range's length.</param>
    /// <param name="flags"><c>SYNC_FILE_RANGE_*</c> flags.</param>
    /// <param name="path">The file, for the message.</param>
    public static void SyncFileRangeOrThrow(int fd, long offsetBytes, long lengthBytes, uint flags, string path)
    {
        int result;
        int errno;
        do
        {
            result = SyncFileRange(fd, offsetBytes, lengthBytes, flags);
            errno = result == -1 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (errno == EINTR);

        if (result == -1)
        {
            throw new WritebackException("sync_file_range", path, offsetBytes, lengthBytes, errno);
        }
    }

    /// <summary>
    /// Creates a new file for writing with open(O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0600), so that a
    /// failure names the system call and its errno (EACCES, ENOENT on /proc, EROFS, ENOSPC…).
    /// </summary>
    /// <param name="path">The file to create; it must not exist.</param>
    /// <returns>The new file's handle.</returns>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle CreateNewOrThrow(string path)
    {
        int fd;
        int errno;
        do
        {
            fd = Open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0x180);
            errno = fd == -1 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (errno == EINTR);

        return fd == -1
            ? throw new WritebackException("open(O_CREAT|O_EXCL)", path, null, null, errno)
            : new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
    }
}
