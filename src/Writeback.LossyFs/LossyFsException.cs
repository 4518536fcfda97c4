using Writeback.Native;

namespace Writeback.LossyFs;

/// <summary>
/// A system call LossyFs made to mount, serve, crash or unmount a file system failed. Carries the
/// operation, the path and the errno, so the message alone says what failed where:
/// <c>mount(fuse.lossyfs) failed on '/mnt/x': EPERM (Operation not permitted)</c>.
/// </summary>
public class LossyFsException : IOException, IErrnoException<LossyFsException>
{
    /// <summary>Creates the exception for a failed system call.</summary>
    /// <param name="operation">The system call or operation, e.g. <c>mount(fuse.lossyfs)</c>.</param>
    /// <param name="path">The mountpoint, device or file it was called on.</param>
    /// <param name="errno">The errno value the call set.</param>
    public LossyFsException(string operation, string path, int errno)
        : base(Errors.Message(operation, path, null, null, errno))
    {
        Operation = operation;
        FilePath = path;
        Errno = errno;
        HResult = errno;
    }

    /// <summary>The system call or operation that failed.</summary>
    public string Operation { get; }

    /// <summary>The path it was called on.</summary>
    public string FilePath { get; }

    /// <summary>The errno value.</summary>
    public int Errno { get; }

    /// <summary>Created by the shared errno-to-exception layer (Errors.FromErrno).</summary>
    static LossyFsException IErrnoException<LossyFsException>.Create(string operation, string? path, long? offset, long? length, int errno) =>
        new(operation, path ?? "", errno);

    /// <summary>The errno's symbolic name, e.g. <c>EPERM</c>.</summary>
    public string ErrnoName => Native.ErrnoName.Of(Errno);
}
