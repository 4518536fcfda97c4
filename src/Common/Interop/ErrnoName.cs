namespace Writeback.Native;

/// <summary>Symbolic names of Linux errno values, for error messages.</summary>
internal static class ErrnoName
{
    /// <summary>Returns the symbolic name of <paramref name="errno"/>, e.g. <c>EIO</c>.</summary>
    public static string Of(int errno) => errno switch
    {
        Errno.EPERM => nameof(Errno.EPERM),
        Errno.ENOENT => nameof(Errno.ENOENT),
        Errno.ESRCH => nameof(Errno.ESRCH),
        Errno.EINTR => nameof(Errno.EINTR),
        Errno.EIO => nameof(Errno.EIO),
        Errno.EBADF => nameof(Errno.EBADF),
        Errno.ECHILD => nameof(Errno.ECHILD),
        Errno.EAGAIN => nameof(Errno.EAGAIN),
        Errno.ENOMEM => nameof(Errno.ENOMEM),
        Errno.EACCES => nameof(Errno.EACCES),
        Errno.EFAULT => nameof(Errno.EFAULT),
        Errno.EBUSY => nameof(Errno.EBUSY),
        Errno.EEXIST => nameof(Errno.EEXIST),
        Errno.EXDEV => nameof(Errno.EXDEV),
        Errno.ENODEV => nameof(Errno.ENODEV),
        Errno.ENOTDIR => nameof(Errno.ENOTDIR),
        Errno.EISDIR => nameof(Errno.EISDIR),
        Errno.EINVAL => nameof(Errno.EINVAL),
        Errno.ENFILE => nameof(Errno.ENFILE),
        Errno.EMFILE => nameof(Errno.EMFILE),
        Errno.EFBIG => nameof(Errno.EFBIG),
        Errno.ENOSPC => nameof(Errno.ENOSPC),
        Errno.EROFS => nameof(Errno.EROFS),
        Errno.ENAMETOOLONG => nameof(Errno.ENAMETOOLONG),
        Errno.ENOSYS => nameof(Errno.ENOSYS),
        Errno.ENOTEMPTY => nameof(Errno.ENOTEMPTY),
        Errno.ENODATA => nameof(Errno.ENODATA),
        Errno.EPROTO => nameof(Errno.EPROTO),
        Errno.EOPNOTSUPP => nameof(Errno.EOPNOTSUPP),
        Errno.ENOTCONN => nameof(Errno.ENOTCONN),
        Errno.EDQUOT => nameof(Errno.EDQUOT),
        _ => $"errno {errno}",
    };

    /// <summary>The name and the C library's message, for log lines: <c>EIO (Input/output error)</c>.</summary>
    public static string Describe(int errno) =>
        $"{Of(errno)} ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)})";
}
