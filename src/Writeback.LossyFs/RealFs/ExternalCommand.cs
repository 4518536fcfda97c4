using Writeback.Processes;

namespace Writeback.LossyFs.RealFs;

/// <summary>The result of one external command: its exit code and its standard output and error.</summary>
/// <param name="ExitCode">The exit code (-1 when it was killed on a timeout).</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    /// <summary>The first non-empty line of standard error, else of standard output, else a note of the exit code.</summary>
    public string FirstLine =>
        (Error + "\n" + Output).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? $"exit code {ExitCode}";
}

/// <summary>Runs the file-system tools (mkfs, mount, losetup, fsck) with a timeout; never leaves them running.</summary>
public static class ExternalCommand
{
    /// <summary>Whether <paramref name="program"/> is on PATH (or is an existing absolute path).</summary>
    public static bool Exists(string program) =>
        Path.IsPathRooted(program) ? File.Exists(program)
        : (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/sbin").Append("/usr/sbin")
            .Any(directory => File.Exists(Path.Combine(directory, program)));

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>, killing it (and its children) past <paramref name="timeout"/>.</summary>
    public static CommandResult Run(string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        ChildProcessResult result = ChildProcess.Run(program, arguments, timeout, workingDirectory);
        return result.TimedOut
            ? new CommandResult(-1, result.Output, $"{program} ran past its timeout of {timeout.TotalSeconds:0.#} s and was killed\n" + result.Error)
            : new CommandResult(result.ExitCode, result.Output, result.Error);
    }

    /// <summary>Runs a command and throws with its first error line when it fails.</summary>
    /// <exception cref="RealFsException">The command exited non-zero or timed out.</exception>
    public static CommandResult RunChecked(string program, IReadOnlyList<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        CommandResult result = Run(program, arguments, timeout, workingDirectory);
        if (result.ExitCode != 0)
        {
            throw new RealFsException($"realfs: {program} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.FirstLine}");
        }
        return result;
    }
}

/// <summary>A real-file-system run could not be done: a tool failed, the program failed, a checker hung. The message is one line naming what failed.</summary>
public sealed class RealFsException : IOException
{
    /// <summary>Creates the exception.</summary>
    public RealFsException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public RealFsException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public RealFsException()
    {
    }
}
