namespace Writeback.Native;

/// <summary>
/// The names of the Linux system calls the library makes, as error messages show them and as the
/// test assembly's fault injector keys its rules.
/// </summary>
internal static class SystemCalls
{
    internal const string Open = "open";
    internal const string FTruncate = "ftruncate";
    internal const string FSync = "fsync";
    internal const string MSync = "msync";
    internal const string SyncFileRange = "sync_file_range";
    internal const string MMap = "mmap";
    internal const string LSeek = "lseek";
    internal const string MAdvise = "madvise";
    internal const string MLock = "mlock";
    internal const string MUnlock = "munlock";
    internal const string Rename = "rename";
    internal const string Unlink = "unlink";
    internal const string Cachestat = "cachestat";

    /// <summary>io_uring's range data sync (IORING_OP_FSYNC with off/len and IORING_FSYNC_DATASYNC).</summary>
    internal const string IoUringFsyncRange = "io_uring fdatasync range";

    /// <summary>io_uring's fsync of a whole file (IORING_OP_FSYNC without flags).</summary>
    internal const string IoUringFsync = "io_uring fsync";
}
