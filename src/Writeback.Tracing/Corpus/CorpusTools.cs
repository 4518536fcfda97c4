using System.Diagnostics;

namespace Writeback.Tracing.Corpus;

/// <summary>What the corpus needs from the machine: commands on PATH, the real Python interpreter, shell commands run to completion.</summary>
public static class CorpusTools
{
    private static readonly Lazy<string> PythonPath = new(ResolvePython);

    /// <summary>
    /// The real Python 3 interpreter (<c>sys.executable</c> of <c>python3</c>, resolved once), so a checker run
    /// per post-crash image does not start a pyenv shim each time; <c>python3</c> when there is none.
    /// </summary>
    public static string Python => PythonPath.Value;

    /// <summary>The full path of a command on PATH, or null.</summary>
    /// <param name="command">A command name (or a path, returned when it exists).</param>
    /// <returns>The path, or null when it is not found.</returns>
    public static string? Find(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(command) ? command : null;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, command)).FirstOrDefault(File.Exists);
    }

    /// <summary>Runs a shell command (<c>/bin/sh -c</c>) in a directory and waits for it.</summary>
    /// <param name="command">The command.</param>
    /// <param name="workingDirectory">Where it runs.</param>
    /// <param name="timeout">How long it may run before it is killed.</param>
    /// <returns>Its exit code (-1 when killed at the timeout) and its standard output and error, together.</returns>
    public static (int ExitCode, string Output) Shell(string command, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"killed after {timeout.TotalSeconds:0} s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string ResolvePython()
    {
        if (Find("python3") is null)
        {
            return "python3";
        }
        (int exitCode, string output) = Shell("python3 -c 'import sys; print(sys.executable)'", Environment.CurrentDirectory, TimeSpan.FromSeconds(30));
        string path = output.Trim();
        return exitCode == 0 && File.Exists(path) ? path : "python3";
    }
}
