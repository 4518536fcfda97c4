using System.Text.Json;
using Writeback.LossyFs.Tests.Fidelity;
using Writeback.LossyFs.Tests.Programs;

namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>
/// One step of a mapped workload as the child process reports it (one JSON line on stdout).
/// </summary>
/// <param name="Step">The step's name.</param>
/// <param name="Exception">The full type name of what the step threw, or null when it returned.</param>
/// <param name="Errno">The errno of a thrown <see cref="WritebackException"/>.</param>
/// <param name="Message">The thrown exception's message.</param>
/// <param name="Data">Bytes the step read, when it reads.</param>
/// <param name="Paused">True when the child now waits for a line on stdin (the test acts on the mount first).</param>
internal sealed record WorkloadStep(string Step, string? Exception = null, int? Errno = null, string? Message = null, byte[]? Data = null, bool Paused = false);

/// <summary>
/// The mapped-file workloads of <see cref="MappedFileTests"/>, run in a child process (see
/// <see cref="WorkloadProcess"/>): the test process serves the mount and must not map its files.
/// Each workload reports its steps through a <see cref="WorkloadSteps"/>; the test asserts on them.
/// </summary>
internal static class MappedWorkloads
{
    /// <summary>Maps four pages, flushes the first, dirties the last, reads back, then pauses while the test crashes the mount.</summary>
    public const string FlushedRange = "flushed-range";

    /// <summary>Writes, grows, flushes, shrinks and syncs a file through <see cref="DirectoryStorage"/>.</summary>
    public const string GrowAndShrink = "grow-and-shrink";

    /// <summary>Dirties a page after the test armed an EIO fault, and flushes it three times.</summary>
    public const string PoisonedFlush = "poisoned-flush";

    /// <summary>Runs the workload <paramref name="name"/> in <paramref name="directory"/> (in the child process).</summary>
    public static void Run(string name, string directory, TextReader input, TextWriter output)
    {
        var steps = new WorkloadSteps(input, output);
        switch (name)
        {
            case FlushedRange:
                using (var file = MappedFile.Open(Path.Combine(directory, "m.bin"), new MappedFileOptions { Length = 4 * 4096 }))
                {
                    steps.Do("flush-file", () =>
                    {
                        file.FlushFile(); // the file's length and (with the fsync of the directory) its name are durable
                        BasicMountTests.FsyncDirectory(directory);
                    });
                    steps.Do("flush-first-page", () =>
                    {
                        "flushed"u8.CopyTo(file.GetSpan(0, 7));
                        file.Flush(0, 4096);
                        "not flushed"u8.CopyTo(file.GetSpan(3 * 4096, 11));
                    });
                    byte[] read = new byte[7];
                    file.Read(0, read);
                    steps.Report("read", read);
                    steps.Pause("crash"); // the test crashes the mount while the file is still mapped
                }
                break;
            case GrowAndShrink:
                var storage = new DirectoryStorage(directory);
                steps.Do("exercise", () =>
                {
                    using (IMappedFile file = storage.Open("data", new MappedFileOptions { Length = 10_000, MaxLength = 1 << 20 }))
                    {
                        file.Write(0, "head"u8);
                        file.SetLength(70_000);
                        file.Write(65_000, "grown"u8);
                        file.Flush();
                        file.SetLength(65_003);
                        file.FlushFile();
                    }
                    storage.FlushDirectory();
                });
                break;
            case PoisonedFlush:
                using (var file = MappedFile.Open(Path.Combine(directory, "poison.bin"), new MappedFileOptions { Length = 8192 }))
                {
                    steps.Do("flush-file", file.FlushFile);
                    steps.Pause("inject"); // the test arms the EIO fault
                    "doomed"u8.CopyTo(file.GetSpan(0, 6));
                    steps.Do("first-flush", () => file.Flush(0, 4096));
                    steps.Pause("check-faults"); // the test checks the fault is spent
                    steps.Do("second-flush", () => file.Flush(0, 4096));
                    steps.Do("flush-file-again", file.FlushFile);
                }
                break;
            default:
                throw new ArgumentException($"No mapped workload is named '{name}'.", nameof(name));
        }
        steps.Report("done", null);
    }
}

/// <summary>The child's side of the step protocol: one JSON line per step on stdout, one line on stdin to resume.</summary>
internal sealed class WorkloadSteps(TextReader input, TextWriter output)
{
    /// <summary>Runs <paramref name="action"/> and reports whether and what it threw.</summary>
    public void Do(string step, Action action)
    {
        try
        {
            action();
        }
#pragma warning disable CA1031 // The test process asserts on whatever the step threw.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Write(new WorkloadStep(step, exception.GetType().FullName, (exception as WritebackException)?.Errno, exception.Message));
            return;
        }
        Write(new WorkloadStep(step));
    }

    /// <summary>Reports bytes the workload read.</summary>
    public void Report(string step, byte[]? data) => Write(new WorkloadStep(step, Data: data));

    /// <summary>Reports that the workload waits, and waits for the test to send a line.</summary>
    public void Pause(string step)
    {
        Write(new WorkloadStep(step, Paused: true));
        if (input.ReadLine() is null)
        {
            throw new InvalidOperationException($"stdin closed while the workload waited at '{step}'");
        }
    }

    private void Write(WorkloadStep step)
    {
        output.WriteLine(JsonSerializer.Serialize(step));
        output.Flush();
    }
}

/// <summary>
/// The test's side: a mapped workload running in a child process on a directory (usually a mount
/// this process serves). Every wait is bounded; when one runs out, the mount is aborted (so a child
/// stuck in FUSE is released) and the child killed before the test fails.
/// </summary>
internal sealed class MappedWorkloadChild : IDisposable
{
    private const int StepTimeoutMs = 60_000;
    private readonly ChildProcess _child;
    private readonly TestMount? _mount;
    private readonly string _name;

    private MappedWorkloadChild(ChildProcess child, TestMount? mount, string name)
    {
        _child = child;
        _mount = mount;
        _name = name;
    }

    /// <summary>Starts workload <paramref name="name"/> in <paramref name="directory"/>; <paramref name="mount"/> is aborted on a timeout.</summary>
    public static MappedWorkloadChild Start(string name, string directory, TestMount? mount) =>
        new(WorkloadProcess.Start([WorkloadProcess.MappedVerb, name, directory]), mount, name);

    /// <summary>Runs workload <paramref name="name"/> to its end in <paramref name="directory"/> and returns its steps.</summary>
    public static IReadOnlyList<WorkloadStep> RunToEnd(string name, string directory, TestMount? mount)
    {
        using MappedWorkloadChild child = Start(name, directory, mount);
        return child.Finish();
    }

    /// <summary>The next step; fails unless it is named <paramref name="step"/>.</summary>
    public WorkloadStep Next(string step)
    {
        string? line = _child.ReadLine(StepTimeoutMs);
        if (line is null)
        {
            Abort($"no step '{step}' within {StepTimeoutMs} ms (or the child exited)");
        }
        WorkloadStep next = JsonSerializer.Deserialize<WorkloadStep>(line!)!;
        Assert.Equal(step, next.Step);
        return next;
    }

    /// <summary>The next step, which must have returned without throwing.</summary>
    public WorkloadStep Succeeded(string step)
    {
        WorkloadStep next = Next(step);
        Assert.True(next.Exception is null, $"{_name}: step '{step}' threw {next.Exception}: {next.Message}");
        return next;
    }

    /// <summary>The next step, which must have thrown exactly <typeparamref name="T"/>.</summary>
    public WorkloadStep Threw<T>(string step)
        where T : Exception
    {
        WorkloadStep next = Next(step);
        Assert.True(next.Exception == typeof(T).FullName, $"{_name}: step '{step}' should throw {typeof(T).FullName}, threw {next.Exception ?? "nothing"}: {next.Message}");
        return next;
    }

    /// <summary>Waits for the pause named <paramref name="step"/>, runs <paramref name="action"/>, then resumes the child.</summary>
    public void AtPause(string step, Action action)
    {
        Assert.True(Next(step).Paused, $"{_name}: step '{step}' is not a pause");
        action();
        _child.WriteLine("go");
    }

    /// <summary>Reads the remaining steps up to <c>done</c>, waits for the child to exit and checks it exited 0.</summary>
    public IReadOnlyList<WorkloadStep> Finish()
    {
        var steps = new List<WorkloadStep>();
        WorkloadStep step;
        do
        {
            string? line = _child.ReadLine(StepTimeoutMs);
            if (line is null)
            {
                Abort($"the workload did not report 'done' within {StepTimeoutMs} ms (or the child exited)");
            }
            step = JsonSerializer.Deserialize<WorkloadStep>(line!)!;
            steps.Add(step);
        }
        while (step.Step != "done");
        _child.CloseInput();
        (int exitCode, string _, string? error) = _child.RunToEnd(StepTimeoutMs);
        Assert.True(exitCode == 0, $"{_name}: the child exited {exitCode}; stderr: {error}");
        return steps;
    }

    /// <summary>Aborts the mount (releasing a child blocked in FUSE), kills the child and fails the test.</summary>
    private void Abort(string why)
    {
        if (_mount is { FileSystem.IsMounted: true })
        {
            _mount.Crash();
        }
        _child.Kill();
        Assert.Fail($"{_name}: {why}; stderr: {_child.StandardError}");
    }

    /// <inheritdoc />
    public void Dispose() => _child.Dispose();
}
