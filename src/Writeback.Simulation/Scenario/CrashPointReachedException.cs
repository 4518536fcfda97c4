namespace Writeback.Simulation;

/// <summary>
/// Thrown by <see cref="CallLimitedStorage"/> when the workload is about to make the recorded call
/// at which it was told to stop: the workload is interrupted exactly at that crash point.
/// </summary>
public sealed class CrashPointReachedException : Exception
{
    /// <summary>Creates the exception for the call about to execute.</summary>
    /// <param name="crashPointIndex">The index of the call that was not executed.</param>
    /// <param name="call">The call, in words.</param>
    public CrashPointReachedException(int crashPointIndex, string call)
        : base($"Stopped at crash point {crashPointIndex}, before {call}.")
    {
        CrashPointIndex = crashPointIndex;
        Call = call;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public CrashPointReachedException()
        : this(0, "the first call")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public CrashPointReachedException(string message)
        : base(message)
    {
        Call = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CrashPointReachedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Call = "";
    }

    /// <summary>The crash point reached: the index of the call that was not executed.</summary>
    public int CrashPointIndex { get; }

    /// <summary>The call that was not executed, in words.</summary>
    public string Call { get; }
}
