using System.Diagnostics;
using System.Text;

namespace Writeback.Processes;

/// <summary>The result of one child process: its exit code, its standard output and error, and whether it was killed on its timeout.</summary>
/// <param name="ExitCode">The exit code (-1 when it was killed on its timeout).</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="TimedOut">It ran past its timeout and was killed with its children.</param>
internal sealed record ChildProcessResult(int ExitCode, string Output, string Error, bool TimedOut)
{
    /// <summary>The first non-empty line of standard output, or null.</summary>
    public string? FirstOutputLine => ChildProcess.FirstLine(Output);

    /// <summary>The first non-empty line of standard error, or null.</summary>
    public string? FirstErrorLine => ChildProcess.FirstLine(Error);

    /// <summary>The signal that killed the command, as <c>/bin/sh</c> reports it (exit code 128 + N), or null.</summary>
    public int? ShellSignal => ExitCode is > 128 and < 160 ? ExitCode - 128 : null;
}

/// <summary>
/// Runs a child process to completion with a timeout, standard input closed and both output
/// streams collected; past the timeout it and its children are killed. The one process runner of
/// the tools that run other programs (trace's and realfs's checkers, realfs's mkfs, mount and fsck),
/// linked as source into each assembly that needs it.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>; never leaves it running.</summary>
    /// <exception cref="InvalidOperationException">It could not be started.</exception>
    public static ChildProcessResult Run(string program, IEnumerable<string> arguments, TimeSpan timeout,
                                         string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach ((string? name, string? value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool timedOut = !process.WaitForExit(timeout);
        if (timedOut)
        {
            process.Kill(entireProcessTree: true);
        }
        process.WaitForExit(); // also drains the output streams
        return new ChildProcessResult(timedOut ? -1 : process.ExitCode, Text(output), Text(error), timedOut);
    }

    /// <summary>The first non-empty line of <paramref name="text"/>, trimmed, or null.</summary>
    public static string? FirstLine(string text) => text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (builder)
        {
            builder.AppendLine(line);
        }
    }

    private static string Text(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
