using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Writeback.Native;

/// <summary>
/// The one place where an errno becomes an exception, for every assembly that links this layer:
/// the message (<see cref="Message"/>), the standard exceptions for path errors, and the assembly's
/// own exception type (<see cref="IErrnoException{TSelf}"/>: WritebackException, LossyFsException,
/// TraceException). Each of those builds its message here too, so one failure reads the same
/// whichever part reports it: <c>msync(offset=4096, length=8192) failed on 'data.bin': EIO (Input/output error)</c>.
/// </summary>
internal static class Errors
{
    /// <summary>The one-line message for a failed call: operation, arguments, path, errno name and the C library's text.</summary>
    public static string Message(string operation, string? path, long? offset, long? length, int errno)
    {
        // EINTR from a call whose man page lists it means its wrapper (Interop.Eintr) was bypassed.
        Debug.Assert(errno != Errno.EINTR || !Interop.Eintr.ListsEintr(operation),
                     $"EINTR escaped from {operation}, which its interop wrapper must restart (Interop.Eintr)");
        string arguments = (offset, length) switch
        {
            ({ } o, { } l) => string.Create(CultureInfo.InvariantCulture, $"(offset={o}, length={l})"),
            ({ } o, null) => string.Create(CultureInfo.InvariantCulture, $"(offset={o})"),
            (null, { } l) => string.Create(CultureInfo.InvariantCulture, $"(length={l})"),
            _ => "",
        };
        string where = path is null ? "" : $" on '{path}'";
        return $"{operation}{arguments} failed{where}: {ErrnoName.Of(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})";
    }

    /// <summary>
    /// Creates the exception for a failed system call. Calls that resolve a path
    /// (<paramref name="resolvesPath"/>) get the matching standard exception for path errors
    /// (<see cref="FileNotFoundException"/>, <see cref="UnauthorizedAccessException"/>, …) with the
    /// assembly's own exception as inner exception; everything else is the assembly's own exception.
    /// </summary>
    public static Exception FromErrno<TException>(int errno, string operation, string? path, long? offset = null, long? length = null,
                                                  bool resolvesPath = false)
        where TException : Exception, IErrnoException<TException>
    {
        TException exception = TException.Create(operation, path, offset, length, errno);
        if (!resolvesPath)
        {
            return exception;
        }
        return errno switch
        {
            Errno.ENOENT => new FileNotFoundException(exception.Message, path, exception),
            Errno.ENOTDIR => new DirectoryNotFoundException(exception.Message, exception),
            Errno.EACCES or Errno.EPERM or Errno.EROFS or Errno.EISDIR => new UnauthorizedAccessException(exception.Message, exception),
            Errno.ENAMETOOLONG => new PathTooLongException(exception.Message, exception),
            _ => exception,
        };
    }

    /// <summary>Throws <see cref="FromErrno{TException}"/>'s exception unless <paramref name="errno"/> is 0.</summary>
    public static void ThrowIfFailed<TException>(int errno, string operation, string? path, long? offset = null, long? length = null,
                                                 bool resolvesPath = false)
        where TException : Exception, IErrnoException<TException>
    {
        if (errno != 0)
        {
            throw FromErrno<TException>(errno, operation, path, offset, length, resolvesPath);
        }
    }

    /// <summary>The exception for cachestat(2) failing: ENOSYS means the kernel predates it.</summary>
    public static Exception FromCachestat<TException>(int errno, string operation, string? path, long offset, long length)
        where TException : Exception, IErrnoException<TException>
    {
        Exception exception = FromErrno<TException>(errno, operation, path, offset, length);
        return errno == Errno.ENOSYS
            ? new PlatformNotSupportedException(
                $"cachestat(2) needs Linux 6.5 or later; this kernel ({Environment.OSVersion.Version}) does not have it.", exception)
            : exception;
    }
}
