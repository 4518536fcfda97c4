using System.Diagnostics;
using System.Text;

namespace Writeback.LossyFs.RealFs;

/// <summary>
/// Runs the user's checker on one mounted crash image with the environment <c>writeback trace</c>
/// documents (<c>WRITEBACK_IMAGE</c>, <c>WRITEBACK_OUTPUT</c>, <c>WRITEBACK_MODEL</c>,
/// <c>WRITEBACK_CRASH_KIND</c>, <c>WRITEBACK_CRASH_POINT</c>), and keeps its first output line also
/// when it passes, so litmus checkers can name the outcome they saw.
/// </summary>
public static class CheckerProcess
{
    /// <summary>Runs it: (exit code, first non-empty stdout line, else stderr line).</summary>
    /// <exception cref="RealFsException">It could not start, ran past its timeout, or was killed by a signal.</exception>
    public static (int ExitCode, string? FirstLine) Run(string command, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", command },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new RealFsException($"realfs: could not start the checker '{command}'");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string where = environment.TryGetValue("WRITEBACK_CRASH_POINT", out var point) ? point : "?";
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new RealFsException($"realfs: the checker '{command}' ran past its timeout of {timeout.TotalSeconds:0.#} s on the image of {where}; it was killed");
        }
        process.WaitForExit();
        string? firstLine = FirstLine(output) ?? FirstLine(error);
        if (process.ExitCode is > 128 and < 160)
        {
            throw new RealFsException($"realfs: the checker '{command}' was killed by signal {process.ExitCode - 128} on the image of {where}{(firstLine is null ? "" : $" ({firstLine})")}; fix the checker");
        }
        return (process.ExitCode, process.ExitCode == 0 ? FirstLine(output) : firstLine ?? $"the checker exited with {process.ExitCode} and printed nothing");
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
