using System.Diagnostics;
using System.Text;

namespace Writeback.Tracing.Replay;

/// <summary>Runs the user's checker command once on a materialised image, with the documented environment.</summary>
internal static class CheckerRun
{
    /// <summary>Runs it; null when it exited 0, else its first output line (or a note that it printed nothing).</summary>
    /// <exception cref="TraceException">The checker could not start, ran past its timeout, or was killed by a signal.</exception>
    public static string? Run(CheckerOptions checker, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", checker.Command },
            WorkingDirectory = checker.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new TraceException($"trace: could not start the checker '{checker.Command}'");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(checker.Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TraceException($"trace: the checker '{checker.Command}' ran past its timeout of {checker.Timeout.TotalSeconds:0.#} s "
                                     + $"on the image of {environment["WRITEBACK_CRASH_POINT"]} ({environment["WRITEBACK_MODEL"]}, {environment["WRITEBACK_CRASH_KIND"]}); it was killed");
        }
        process.WaitForExit();
        var exitCode = process.ExitCode;
        if (exitCode == 0)
        {
            return null;
        }
        var firstLine = FirstLine(output) ?? FirstLine(error);
        // /bin/sh reports a command killed by signal N as 128 + N.
        if (exitCode is > 128 and < 160)
        {
            throw new TraceException($"trace: the checker '{checker.Command}' was killed by signal {exitCode - 128} "
                                     + $"on the image of {environment["WRITEBACK_CRASH_POINT"]}{(firstLine is null ? "" : $" ({firstLine})")}; fix the checker");
        }
        return firstLine ?? $"the checker exited with {exitCode} and printed nothing";
    }

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

    private static string? FirstLine(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString().Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        }
    }
}
