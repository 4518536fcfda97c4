namespace Writeback.Processes;

/// <summary>A checker's verdict on one crash image.</summary>
/// <param name="ExitCode">0: the image is consistent.</param>
/// <param name="FirstLine">On a pass, the first line of standard output (the outcome a litmus checker names), or null; on a failure, the first line of standard output, else of standard error, else a note that it printed nothing.</param>
internal readonly record struct CheckerVerdict(int ExitCode, string? FirstLine)
{
    /// <summary>Null when the checker passed, else its failure message.</summary>
    public string? Failure => ExitCode == 0 ? null : FirstLine;
}

/// <summary>
/// Runs the user's checker command (<c>/bin/sh -c</c>) on one crash image with the environment the
/// checker contract documents (<c>WRITEBACK_IMAGE</c>, <c>WRITEBACK_OUTPUT</c>, …), for
/// <c>writeback trace</c> and <c>writeback realfs</c> alike.
/// </summary>
internal static class CheckerCommand
{
    /// <summary>Runs it; a checker that hangs or is killed by a signal is the checker's bug, not a verdict.</summary>
    /// <param name="command">The shell command.</param>
    /// <param name="environment">The <c>WRITEBACK_*</c> variables.</param>
    /// <param name="workingDirectory">Where it runs, or null for the current directory.</param>
    /// <param name="timeout">How long it may run; past it, it and its children are killed.</param>
    /// <param name="image">The image it ran on, for messages (e.g. the crash point).</param>
    /// <param name="fail">Makes the caller's exception from a one-line message without the tool's prefix.</param>
    /// <exception cref="Exception">What <paramref name="fail"/> makes: it could not start, ran past its timeout, or was killed by a signal.</exception>
    public static CheckerVerdict Run(string command, IReadOnlyDictionary<string, string> environment, string? workingDirectory,
                                     TimeSpan timeout, string image, Func<string, Exception> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        ChildProcessResult result;
        try
        {
            result = ChildProcess.Run("/bin/sh", ["-c", command], timeout, workingDirectory, environment);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw fail($"could not start the checker '{command}': {e.Message}");
        }
        if (result.TimedOut)
        {
            throw fail($"the checker '{command}' ran past its timeout of {timeout.TotalSeconds:0.#} s on the image of {image}; it was killed");
        }
        string? firstLine = result.FirstOutputLine ?? ErrorSummary(result.Error);
        if (result.ShellSignal is { } signal)
        {
            throw fail($"the checker '{command}' was killed by signal {signal} on the image of {image}{(firstLine is null ? "" : $" ({firstLine})")}; fix the checker");
        }
        return result.ExitCode == 0
            ? new CheckerVerdict(0, result.FirstOutputLine)
            : new CheckerVerdict(result.ExitCode, firstLine ?? $"the checker exited with {result.ExitCode} and printed nothing");
    }

    /// <summary>
    /// What standard error says went wrong, in one line: its first non-empty line, except for a
    /// Python traceback, whose first line ("Traceback (most recent call last):") says nothing and
    /// whose last line names the exception (<c>KeyError: 'WRITEBACK_MODEL'</c>).
    /// </summary>
    internal static string? ErrorSummary(string error)
    {
        string? first = ChildProcess.FirstLine(error);
        if (first != "Traceback (most recent call last):")
        {
            return first;
        }
        string last = error.Split('\n').Select(l => l.Trim()).Last(l => l.Length > 0);
        return $"{last} (a Python traceback on standard error)";
    }
}
