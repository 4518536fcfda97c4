using System.Runtime.InteropServices;
using System.Text;
using Writeback.Native;
using Writeback.Tracing.Ptrace;

namespace Writeback.Tracing;

/// <summary>
/// Records a program under ptrace (Linux x86_64): its calls on files under a directory, its stores
/// to writable shared mappings of those files, and its standard output, following every process
/// and thread it starts.
/// </summary>
public static class TraceRecorder
{
    /// <summary>Runs the program to completion under ptrace and returns the recording.</summary>
    /// <param name="options">What to run, where, and the timeout.</param>
    /// <returns>The recording.</returns>
    /// <exception cref="TraceException">The directory or program is missing, ptrace is not permitted, the program
    /// exits non-zero, runs past the timeout, never changes anything under the directory, or uses something the
    /// recorder refuses (io_uring, links). Nothing is left running.</exception>
    public static Recording Record(RecorderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw new TraceException("trace: recording needs Linux on x86_64 (ptrace and its system call numbers)");
        }
        if (!System.IO.Directory.Exists(options.Directory))
        {
            throw new TraceException($"trace: directory '{options.Directory}' does not exist");
        }
        string directory = RealPath(options.Directory);
        string program = ResolveProgram(options.Program);
        Recording? recording = null;
        Exception? failure = null;
        // One dedicated OS thread makes every ptrace and waitpid call: a tracee belongs to the thread that seized it.
        var thread = new Thread(() =>
        {
            try
            {
                recording = new Tracer(options, directory, program).Run();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 16 * 1024 * 1024) { Name = "writeback tracer", IsBackground = true };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
        return recording!;
    }

    /// <summary>A program name is looked up in PATH; a path is made absolute against the current directory (the program runs in another).</summary>
    private static string ResolveProgram(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            string full = Path.GetFullPath(program);
            return File.Exists(full) ? full : throw new TraceException($"trace: program '{program}' does not exist ({full})");
        }
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new TraceException($"trace: program '{program}' was not found in PATH");
    }

    /// <summary>realpath(3) of the full path: symbolic links resolved, as the tracee's kernel names the directory.</summary>
    private static string RealPath(string path)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Path.GetFullPath(path) + "\0");
        Span<byte> resolved = stackalloc byte[4097];
        bool found;
        // Safety: input is the pinned, NUL-terminated UTF-8 array and output the pinned span of
        // PATH_MAX + 1 bytes, the most realpath(3) writes into a caller's buffer; neither pointer
        // outlives the call (the result is read from the span afterwards).
        unsafe
        {
            fixed (byte* input = bytes, output = resolved)
            {
                found = Interop.Libc.realpath(input, output) is not null;
            }
        }
        if (!found)
        {
            throw Errors.FromErrno<TraceException>(Interop.LastErrno, "realpath", path);
        }
        return Encoding.UTF8.GetString(resolved[..resolved.IndexOf((byte)0)]);
    }
}
