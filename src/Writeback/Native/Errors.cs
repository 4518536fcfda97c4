namespace Writeback.Native;

/// <summary>The one place where an errno becomes an exception.</summary>
internal static class Errors
{
    /// <summary>
    /// Creates the exception for a failed system call. Calls that resolve a path
    /// (<paramref name="resolvesPath"/>) get the matching standard exception for path errors
    /// (<see cref="FileNotFoundException"/>, <see cref="UnauthorizedAccessException"/>, …) with the
    /// <see cref="WritebackException"/> as inner exception; everything else is a
    /// <see cref="WritebackException"/>.
    /// </summary>
    public static Exception FromErrno(int errno, string operation, string? path, long? offset = null, long? length = null,
                                      bool resolvesPath = false)
    {
        WritebackMetrics.RecordError(operation);
        var exception = new WritebackException(operation, path, offset, length, errno);
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

    /// <summary>Throws <see cref="FromErrno"/>'s exception unless <paramref name="errno"/> is 0.</summary>
    public static void ThrowIfFailed(int errno, string operation, string? path, long? offset = null, long? length = null,
                                     bool resolvesPath = false)
    {
        if (errno != 0)
        {
            throw FromErrno(errno, operation, path, offset, length, resolvesPath);
        }
    }

    /// <summary>
    /// The exception for cachestat(2) failing: ENOSYS means the kernel predates it.
    /// </summary>
    public static Exception FromCachestat(int errno, string operation, string? path, long offset, long length)
    {
        var exception = FromErrno(errno, operation, path, offset, length);
        return errno == Errno.ENOSYS
            ? new PlatformNotSupportedException(
                $"cachestat(2) needs Linux 6.5 or later; this kernel ({Environment.OSVersion.Version}) does not have it.", exception)
            : exception;
    }
}
