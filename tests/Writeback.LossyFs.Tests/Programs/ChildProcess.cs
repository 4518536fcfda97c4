using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Writeback.LossyFs.Tests.Programs;

/// <summary>
/// A program under test run as a child process: its stdin is a pipe the test writes commands to,
/// its stdout is read line by line (each acknowledgement is one line), its stderr is kept for the
/// failure message. Every wait has a timeout, and disposing kills the child (by its own handle), so
/// a program blocked on a dead FUSE connection cannot hang the test run.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _stderrLock = new();

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The command line, for messages.</summary>
    public string CommandLine { get; private init; } = "";

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>, all three streams redirected.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        var child = new ChildProcess(process)
        {
            CommandLine = fileName + " " + string.Join(' ', startInfo.ArgumentList),
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._lines.CompleteAdding();
            }
            else
            {
                child._lines.Add(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderrLock)
                {
                    child._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>What the child wrote to stderr so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderrLock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Whether the child has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Writes one line to the child's stdin and flushes it.</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Closes the child's stdin (end of input).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>
    /// The next stdout line, or null when stdout ended (the child exited) or
    /// <paramref name="timeoutMs"/> passed.
    /// </summary>
    public string? ReadLine(int timeoutMs)
    {
        try
        {
            return _lines.TryTake(out string? line, timeoutMs) ? line : null;
        }
        catch (InvalidOperationException)
        {
            return null; // completed and empty
        }
    }

    /// <summary>Waits for the child to exit; kills it and throws when it does not within <paramref name="timeoutMs"/>.</summary>
    public int WaitForExit(int timeoutMs)
    {
        if (!_process.WaitForExit(timeoutMs))
        {
            Kill();
            throw new TimeoutException($"'{CommandLine}' did not exit within {timeoutMs} ms; stderr: {StandardError}");
        }
        _process.WaitForExit(); // drains the asynchronous readers
        return _process.ExitCode;
    }

    /// <summary>Kills the child (SIGKILL) and waits, bounded, for it to be gone.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    /// <summary>Runs a program to completion with no input and returns its exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Error) Run(string fileName, IEnumerable<string> arguments, int timeoutMs, string? standardInput = null)
    {
        using ChildProcess child = Start(fileName, arguments);
        if (standardInput is not null)
        {
            child._process.StandardInput.Write(standardInput);
        }
        child.CloseInput();
        return child.RunToEnd(timeoutMs);
    }

    /// <summary>
    /// Waits for the child to exit (killing it and throwing after <paramref name="timeoutMs"/>) and
    /// returns its exit code, the stdout lines not yet read, and stderr.
    /// </summary>
    public (int ExitCode, string Output, string Error) RunToEnd(int timeoutMs)
    {
        int exitCode = WaitForExit(timeoutMs);
        var output = new StringBuilder();
        while (_lines.TryTake(out string? line))
        {
            output.AppendLine(line);
        }
        return (exitCode, output.ToString(), StandardError);
    }

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? FindOnPath(string program)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _lines.Dispose();
    }
}
