namespace Writeback.LossyFs.Volatile;

/// <summary>errno values LossyFs replies with (Linux numbering).</summary>
#pragma warning disable CA1707
internal static class Errno
{
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int EIO = 5;
    internal const int EBADF = 9;
    internal const int EAGAIN = 11;
    internal const int EACCES = 13;
    internal const int EBUSY = 16;
    internal const int EEXIST = 17;
    internal const int EXDEV = 18;
    internal const int ENOTDIR = 20;
    internal const int EISDIR = 21;
    internal const int EINVAL = 22;
    internal const int EROFS = 30;
    internal const int ENOSPC = 28;
    internal const int ENAMETOOLONG = 36;
    internal const int ENOSYS = 38;
    internal const int ENOTEMPTY = 39;
    internal const int ENODATA = 61;
    internal const int EOPNOTSUPP = 95;
    internal const int ENOTCONN = 107;
    internal const int ENODEV = 19;
    internal const int EPROTO = 71;

    /// <summary>"errno 5 (Input/output error)", for log lines.</summary>
    internal static string Describe(int errno) =>
        $"errno {errno} ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)})";
}
