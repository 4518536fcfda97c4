using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs.Volatile;

/// <summary>
/// Positional I/O on backing files that reports errno instead of throwing, because FUSE handlers
/// answer with errno. Retries Errno.EINTR (pread/pwrite list it) and short transfers.
/// </summary>
internal static class BackingIo
{

    /// <summary>Reads up to <c>destination.Length</c> bytes at <paramref name="offsetBytes"/>; stops at end of file. Returns bytes read, or -errno.</summary>
    public static long ReadAt(SafeFileHandle fd, Span<byte> destination, long offsetBytes)
    {
        long totalBytes = 0;
        while (totalBytes < destination.Length)
        {
            nint count;
            // Safety: the span is pinned for the call and the length passed is the span's remaining length.
            unsafe
            {
                fixed (byte* pointer = destination[(int)totalBytes..])
                {
                    count = Interop.Libc.pread(fd, pointer, (nuint)(destination.Length - totalBytes), offsetBytes + totalBytes);
                }
            }
            if (count < 0)
            {
                int errno = Interop.LastErrno;
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                return -errno;
            }
            if (count == 0)
            {
                break;
            }
            totalBytes += count;
        }
        return totalBytes;
    }

    /// <summary>Writes all of <paramref name="source"/> at <paramref name="offsetBytes"/>. Returns 0 or errno.</summary>
    public static int WriteAt(SafeFileHandle fd, ReadOnlySpan<byte> source, long offsetBytes)
    {
        int writtenBytes = 0;
        while (writtenBytes < source.Length)
        {
            nint count;
            // Safety: the span is pinned for the call and the length passed is the span's remaining length.
            unsafe
            {
                fixed (byte* pointer = source[writtenBytes..])
                {
                    count = Interop.Libc.pwrite(fd, pointer, (nuint)(source.Length - writtenBytes), offsetBytes + writtenBytes);
                }
            }
            if (count < 0)
            {
                int errno = Interop.LastErrno;
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                return errno;
            }
            writtenBytes += (int)count;
        }
        return 0;
    }

    /// <summary>Returns 0 when <paramref name="result"/> is 0, else the thread's errno.</summary>
    public static int Check(int result) => result == 0 ? 0 : Interop.LastErrno;
}
