using Writeback.Native;

namespace Writeback;

/// <summary>
/// A system call on a mapped file failed. Carries the operation, the file's path, the byte range
/// and the errno, so the message alone says what failed where:
/// <c>msync(offset=4096, length=8192) failed on 'data.bin': EIO (Input/output error)</c>.
/// </summary>
public class WritebackException : IOException, IErrnoException<WritebackException>
{
    /// <summary>Creates the exception for a failed system call.</summary>
    /// <param name="operation">The system call or operation, e.g. <c>msync</c>.</param>
    /// <param name="path">The file's path, or <see langword="null"/> when there is none.</param>
    /// <param name="offset">The byte offset the call was given, or <see langword="null"/>.</param>
    /// <param name="length">The byte length the call was given, or <see langword="null"/>.</param>
    /// <param name="errno">The errno value the call set.</param>
    /// <param name="innerException">An earlier failure this one repeats (a poisoned file), or <see langword="null"/>.</param>
    public WritebackException(string operation, string? path, long? offset, long? length, int errno,
                              Exception? innerException = null)
        : base(Errors.Message(operation, path, offset, length, errno), innerException)
    {
        Operation = operation;
        FilePath = path;
        Offset = offset;
        Length = length;
        Errno = errno;
        HResult = errno;
    }

    /// <summary>The system call or operation that failed, e.g. <c>msync</c> or <c>sync_file_range</c>.</summary>
    public string Operation { get; }

    /// <summary>The path of the file the call was made on, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The byte offset the call was given, when it takes one.</summary>
    public long? Offset { get; }

    /// <summary>The byte length the call was given, when it takes one.</summary>
    public long? Length { get; }

    /// <summary>The errno the call failed with (Linux numbering).</summary>
    public int Errno { get; }

    /// <summary>The errno's symbolic name, such as <c>EIO</c>, or <c>errno N</c> for an unknown value.</summary>
    public string ErrnoName => Native.ErrnoName.Of(Errno);

    /// <summary>Created by the shared errno-to-exception layer; counts the failure in the metrics.</summary>
    static WritebackException IErrnoException<WritebackException>.Create(string operation, string? path, long? offset, long? length, int errno)
    {
        WritebackMetrics.RecordError(operation);
        return new WritebackException(operation, path, offset, length, errno);
    }
}
