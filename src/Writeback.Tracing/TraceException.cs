using Writeback.Native;

namespace Writeback.Tracing;

/// <summary>
/// Recording or checking a program failed for a reason the user must act on: the program is
/// missing or failed, ptrace is not permitted, the checker hung or crashed. The message is one line.
/// </summary>
public sealed class TraceException : Exception, IErrnoException<TraceException>
{
    /// <summary>Creates the exception.</summary>
    public TraceException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    /// <param name="message">The message.</param>
    public TraceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TraceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A failed system call, with the message every part of Writeback gives one (the shared errno layer).</summary>
    static TraceException IErrnoException<TraceException>.Create(string operation, string? path, long? offset, long? length, int errno) =>
        new("trace: " + Errors.Message(operation, path, offset, length, errno));
}
