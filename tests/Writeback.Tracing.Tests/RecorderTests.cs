using System.Text;

namespace Writeback.Tracing.Tests;

/// <summary>What the ptrace recorder sees of real programs, and how it refuses what it cannot record.</summary>
public sealed class RecorderTests
{
    [SkippableFact]
    public void Records_stores_to_a_shared_mapping_before_the_msync_that_follows_them_with_the_range_in_file_offsets()
    {
        Traced.RequirePtrace();
        string program = TestPrograms.Compile("header_barrier");
        using var directory = new TempDirectory();
        Recording recording = TraceRecorder.Record(new RecorderOptions { Directory = directory.Path, Program = program, Arguments = ["1"] });

        TraceEventKind[] kinds = recording.Events.Select(e => e.Kind).ToArray();
        Assert.Equal(
            [TraceEventKind.Create, TraceEventKind.SetLength, TraceEventKind.Fsync, TraceEventKind.FsyncDirectory,
             TraceEventKind.Store, TraceEventKind.Msync, TraceEventKind.Store, TraceEventKind.Msync, TraceEventKind.Output],
            kinds);
        TraceEvent record = recording.Events[4];
        Assert.Equal(("data.bin", 4096L), (record.Path, record.OffsetBytes));
        Assert.True(record.Data.Span[..512].ToArray().All(b => b == (byte)'a'));
        TraceEvent msync = recording.Events[5];
        Assert.Equal((0L, 4096L, 4), (msync.OffsetBytes, msync.LengthBytes, msync.Flags));
        Assert.Equal(1, BitConverter.ToInt32(recording.Events[6].Data.Span));
        Assert.Equal("1\n", Encoding.ASCII.GetString(recording.StandardOutput()));
    }

    [SkippableFact]
    public void Follows_a_shell_into_its_children_and_records_names_appends_and_directories()
    {
        Traced.RequirePtrace();
        using var directory = new TempDirectory();
        string script = "echo one > a.txt; mv a.txt b.txt; echo two >> b.txt; mkdir sub; echo x > sub/y; rm b.txt; echo done; sync";
        Recording recording = TraceRecorder.Record(new RecorderOptions { Directory = directory.Path, Program = "/bin/sh", Arguments = ["-c", script] });

        var events = recording.Events.Select(e => (e.Kind, e.Path, e.TargetPath)).ToList();
        Assert.Equal(
            [(TraceEventKind.Create, "a.txt", ""), (TraceEventKind.Write, "a.txt", ""), (TraceEventKind.Rename, "a.txt", "b.txt"),
             (TraceEventKind.Write, "b.txt", ""), (TraceEventKind.Mkdir, "sub", ""), (TraceEventKind.Create, "sub/y", ""),
             (TraceEventKind.Write, "sub/y", ""), (TraceEventKind.Unlink, "b.txt", ""), (TraceEventKind.Output, "", ""),
             (TraceEventKind.SyncAll, "", "")],
            events);
        // The append lands after "one\n": the offset comes from the descriptor's position after the write.
        Assert.Equal(4, recording.Events[3].OffsetBytes);
        // mv, mkdir, rm and sync are child processes: their calls carry their own pids.
        Assert.NotEqual(recording.Events[0].Pid, recording.Events[2].Pid);
        Assert.Equal("done\n", Encoding.ASCII.GetString(recording.StandardOutput()));
    }

    [SkippableFact]
    public void The_initial_contents_are_the_initial_durable_state_and_a_recording_survives_save_and_load()
    {
        Traced.RequirePtrace();
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("before.txt"), "kept");
        Directory.CreateDirectory(directory.File("d"));
        Recording recording = TraceRecorder.Record(new RecorderOptions { Directory = directory.Path, Program = "/bin/sh", Arguments = ["-c", "echo more >> before.txt"] });

        using var stream = new MemoryStream();
        recording.Save(stream);
        stream.Position = 0;
        var loaded = Recording.Load(stream);

        Assert.Equal(recording.Program, loaded.Program);
        Assert.Equal(recording.Arguments, loaded.Arguments);
        Assert.Equal(recording.SystemCallCount, loaded.SystemCallCount);
        Assert.Equal(recording.InitialFiles.Select(f => (f.Path, f.IsDirectory, Encoding.ASCII.GetString(f.Content.Span))),
                     loaded.InitialFiles.Select(f => (f.Path, f.IsDirectory, Encoding.ASCII.GetString(f.Content.Span))));
        Assert.Contains(("before.txt", false, "kept"), loaded.InitialFiles.Select(f => (f.Path, f.IsDirectory, Encoding.ASCII.GetString(f.Content.Span))));
        Assert.Equal(recording.Events.Select(e => (e.Kind, e.Pid, e.Call, e.Path, e.OffsetBytes, Convert.ToHexString(e.Data.Span))),
                     loaded.Events.Select(e => (e.Kind, e.Pid, e.Call, e.Path, e.OffsetBytes, Convert.ToHexString(e.Data.Span))));
        Assert.Contains(loaded.Events, e => e is { Kind: TraceEventKind.Write, Path: "before.txt", OffsetBytes: 4 });
        Assert.Throws<InvalidDataException>(() => Recording.Load(new MemoryStream("not a trace"u8.ToArray())));

        // The tasks are kept: the shell that wrote is a process named after its program, not a thread.
        TraceTask task = Assert.Single(loaded.Tasks);
        Assert.Equal(recording.Tasks.Single(), task);
        Assert.Equal((task.Tid, "sh"), (task.Pid, task.Name));
        Assert.Equal($"pid {task.Pid} (sh)", task.Describe());
        // A trace file written before tasks were kept (it ends after its events) still loads, without them.
        var old = new MemoryStream(stream.ToArray()[..^(8 + 4 + 4 + 4 + 1 + 2)]);
        Assert.Empty(Recording.Load(old).Tasks);
    }

    [Fact]
    public void A_thread_is_named_with_its_process()
    {
        Assert.Equal("pid 12 (app.py), thread 14", new TraceTask(14, 12, "app.py").Describe());
        Assert.Equal("pid 12 (app.py)", new TraceTask(12, 12, "app.py").Describe());
    }

    [SkippableFact]
    public void Refuses_a_program_that_sets_up_io_uring_instead_of_missing_its_file_operations()
    {
        Traced.RequirePtrace();
        string program = TestPrograms.Compile("io_uring_setup");
        using var directory = new TempDirectory();
        TraceException e = Assert.Throws<TraceException>(() => TraceRecorder.Record(new RecorderOptions { Directory = directory.Path, Program = program }));
        Assert.Contains("io_uring_setup", e.Message, StringComparison.Ordinal);
        Assert.Contains("refused", e.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("missing-dir")]
    [InlineData("missing-program")]
    [InlineData("exits-non-zero")]
    [InlineData("never-touches-dir")]
    public void Bad_input_is_one_line_naming_the_cause(string kind)
    {
        Traced.RequirePtrace();
        using var directory = new TempDirectory();
        RecorderOptions options = kind switch
        {
            "missing-dir" => new RecorderOptions { Directory = directory.File("nowhere"), Program = "/bin/true" },
            "missing-program" => new RecorderOptions { Directory = directory.Path, Program = "./no-such-program" },
            "exits-non-zero" => new RecorderOptions { Directory = directory.Path, Program = "/bin/sh", Arguments = ["-c", "echo x > f; echo broken >&2; exit 3"] },
            _ => new RecorderOptions { Directory = directory.Path, Program = "/bin/sh", Arguments = ["-c", "echo hello"] },
        };
        TraceException e = Assert.Throws<TraceException>(() => TraceRecorder.Record(options));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(kind switch
        {
            "missing-dir" => "does not exist",
            "missing-program" => "'./no-such-program' does not exist",
            "exits-non-zero" => "exited with status 3 (its last error line: broken)",
            _ => "never changed anything under",
        }, e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_program_that_runs_past_the_timeout_is_killed_with_everything_it_started()
    {
        Traced.RequirePtrace();
        using var directory = new TempDirectory();
        string marker = $"{Random.Shared.Next(100, 999)}.{Environment.ProcessId % 1000}";
        var options = new RecorderOptions
        {
            Directory = directory.Path,
            Program = "/bin/sh",
            Arguments = ["-c", $"echo x > f; sleep {marker} & sleep {marker}"],
            Timeout = TimeSpan.FromSeconds(1),
        };
        TraceException e = Assert.Throws<TraceException>(() => TraceRecorder.Record(options));
        Assert.Contains("ran past the timeout of 1 s", e.Message, StringComparison.Ordinal);
        Assert.Empty(ProcessesWithArgument(marker));
    }

    [SkippableTheory]
    [InlineData("sleep 30", "ran past its timeout of 1 s")]
    [InlineData("kill -SEGV $$", "was killed by signal 11")]
    public void A_checker_that_hangs_or_crashes_stops_the_run_with_one_line(string checker, string expected)
    {
        Traced.RequirePtrace();
        using var directory = new TempDirectory();
        Recording recording = TraceRecorder.Record(new RecorderOptions { Directory = directory.Path, Program = "/bin/sh", Arguments = ["-c", "echo x > f"] });
        var scenario = new TraceScenario(recording, new CheckerOptions { Command = checker, Timeout = TimeSpan.FromSeconds(1) });
        new CrashExplorer(KernelModel.Linux3_16Range).Explore(scenario);
        TraceException trace = Assert.Throws<TraceException>(scenario.ThrowIfCheckerFailed);
        Assert.InRange(scenario.CheckerRuns, 1, Environment.ProcessorCount); // the runs already started when it failed, no more
        Assert.Contains(expected, trace.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', trace.Message);
    }

    private static List<int> ProcessesWithArgument(string argument)
    {
        var found = new List<int>();
        foreach (string entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out int pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0').Contains(argument))
                    {
                        found.Add(pid);
                    }
                }
                catch (IOException)
                {
                }
            }
        }
        return found;
    }
}
