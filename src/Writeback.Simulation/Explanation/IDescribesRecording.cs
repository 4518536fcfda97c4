namespace Writeback.Simulation;

/// <summary>
/// Optionally implemented by an <see cref="ICrashScenario"/> whose calls and acknowledgements have
/// names of their own (a traced program: its system calls with their event numbers, its output
/// lines). Reports and failure explanations then use those names; otherwise the simulator's.
/// </summary>
public interface IDescribesRecording
{
    /// <summary>A crash point in words, e.g. <c>after #12 write(stdout, "3\n")</c>; it must start with "after " or name the call the crash point precedes.</summary>
    /// <param name="crashPointIndex">0 to the call count.</param>
    /// <param name="simulatorText">The simulator's description of it.</param>
    /// <returns>The name.</returns>
    string DescribeCrashPoint(int crashPointIndex, string simulatorText);

    /// <summary>A recorded call in words, e.g. <c>#7 fsync(log.bin) in pid 4312</c>.</summary>
    /// <param name="callIndex">The call's index.</param>
    /// <param name="simulatorText">The simulator's description of it.</param>
    /// <returns>The name.</returns>
    string DescribeCall(int callIndex, string simulatorText);

    /// <summary>One acknowledgement in words, e.g. <c>line 2 "1"</c>.</summary>
    /// <param name="acknowledgementIndex">Its index among all acknowledgements.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The words.</returns>
    string DescribeAcknowledgement(int acknowledgementIndex, long value);

    /// <summary>What had been acknowledged at a crash point, as the checker counts it, e.g. <c>2 lines printed, the last "1"</c>.</summary>
    /// <param name="count">How many acknowledgements had been added.</param>
    /// <param name="lastValue">The last one's value (0 when none).</param>
    /// <returns>The words.</returns>
    string DescribeAcknowledged(int count, long lastValue);
}
