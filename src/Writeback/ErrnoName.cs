namespace Writeback;

/// <summary>Symbolic names of Linux errno values, for error messages.</summary>
internal static class ErrnoName
{
    /// <summary>Returns the symbolic name of <paramref name="errno"/>, e.g. <c>EIO</c>.</summary>
    public static string Of(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        4 => "EINTR",
        5 => "EIO",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        14 => "EFAULT",
        16 => "EBUSY",
        17 => "EEXIST",
        18 => "EXDEV",
        20 => "ENOTDIR",
        21 => "EISDIR",
        22 => "EINVAL",
        24 => "EMFILE",
        27 => "EFBIG",
        28 => "ENOSPC",
        30 => "EROFS",
        36 => "ENAMETOOLONG",
        38 => "ENOSYS",
        39 => "ENOTEMPTY",
        95 => "EOPNOTSUPP",
        122 => "EDQUOT",
        _ => $"errno {errno}",
    };
}
