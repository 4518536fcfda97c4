namespace Writeback.Simulation;

/// <summary>
/// A scenario's workload (<see cref="ICrashScenario.Run"/>) threw while it was recorded: the
/// message names the scenario and the recorded call it had reached; the workload's exception, with
/// its stack trace, is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class ScenarioRunException : Exception
{
    /// <summary>Creates the exception for a workload that threw.</summary>
    /// <param name="scenarioName">The scenario's name.</param>
    /// <param name="callIndex">How many calls had been recorded: the index the next call would have had.</param>
    /// <param name="lastCall">The last recorded call, in words, or <see langword="null"/> when none was.</param>
    /// <param name="innerException">What the workload threw.</param>
    public ScenarioRunException(string scenarioName, int callIndex, string? lastCall, Exception innerException)
        : base(FormatMessage(scenarioName, callIndex, lastCall, innerException), innerException)
    {
        ScenarioName = scenarioName;
        CallIndex = callIndex;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ScenarioRunException()
        : this("(unknown)", 0, null, new InvalidOperationException())
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public ScenarioRunException(string message)
        : base(message)
    {
        ScenarioName = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ScenarioRunException(string message, Exception innerException)
        : base(message, innerException)
    {
        ScenarioName = "";
    }

    /// <summary>The scenario whose workload threw.</summary>
    public string ScenarioName { get; }

    /// <summary>How many calls had been recorded when it threw (the index the next call would have had).</summary>
    public int CallIndex { get; }

    /// <summary>The message, then the workload's exception with its stack trace.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{GetType().FullName}: {Message}{Environment.NewLine}{InnerException}";

    private static string FormatMessage(string scenarioName, int callIndex, string? lastCall, Exception inner) =>
        $"The workload of scenario '{scenarioName}' threw {inner.GetType().Name} after {callIndex} recorded calls"
        + (lastCall is null ? "" : $" (last: #{callIndex - 1} {lastCall})") + $": {inner.Message}";
}
