namespace Writeback.Tracing.Tests;

/// <summary>
/// Programs on real language runtimes, recorded under ptrace: the recorder must follow their threads,
/// pass their signals through, and see the calls their standard libraries make on their behalf.
/// </summary>
public sealed class RuntimeTests
{
    private static readonly KernelModel Old = KernelModel.Linux2_6_19To3_15WholeFile;
    private static readonly KernelModel New = KernelModel.Linux3_16Range;

    [SkippableTheory]
    [InlineData("header", false)]
    [InlineData("ranges", true)]
    public void A_Java_MappedByteBuffer_log_breaks_under_range_msync_only_when_it_forces_just_the_header(string mode, bool survivesRangeMsync)
    {
        string classes = TestPrograms.CompileJava("HeaderLog");
        string java = TestPrograms.Require("java");
        using var directory = new TempDirectory();
        Recording recording = Traced.Record(directory.Path, java, "-cp", classes, "HeaderLog", mode, "3");
        Traced.Outcome outcome = Traced.Explore(recording, $"python3 {TestPrograms.Source("check_header_barrier.py")} data.bin");

        Assert.Equal("ack 1\nack 2\nack 3\n", System.Text.Encoding.ASCII.GetString(recording.StandardOutput()));
        // The stores reach the recording through the JVM's mapping, and force(index, length) as ranged msyncs.
        Assert.Contains(recording.Events, e => e is { Kind: TraceEventKind.Store, Path: "data.bin" });
        Assert.Equal(6, recording.Events.Count(e => e is { Kind: TraceEventKind.Msync, Path: "data.bin" }));
        Assert.True(Enum.GetValues<CrashKind>().All(k => outcome.Passed(Old, k)), outcome.ToString());
        Assert.True(outcome.Passed(New, CrashKind.ProcessCrash), outcome.ToString());
        Assert.Equal(survivesRangeMsync, outcome.Passed(New, CrashKind.KernelCrash));
        Assert.Equal(survivesRangeMsync, outcome.Passed(New, CrashKind.PowerLoss));
    }

    [SkippableFact]
    public void A_JVM_that_spawns_a_child_and_exits_with_a_thread_running_is_recorded_whole()
    {
        string classes = TestPrograms.CompileJava("SpawnChild");
        string java = TestPrograms.Require("java");
        using var directory = new TempDirectory();
        Recording recording = Traced.Record(directory.Path, java, "-cp", classes, "SpawnChild");

        var writes = recording.Events.Where(e => e is { Kind: TraceEventKind.Write, Path: "events.log" }).ToList();
        Assert.Equal(["child\n", "parent\n"], writes.Select(e => System.Text.Encoding.ASCII.GetString(e.Data.Span)));
        Assert.NotEqual(writes[0].Pid, writes[1].Pid);
        Assert.Equal(6, writes[1].OffsetBytes);
        Assert.Contains(recording.Events.SkipWhile(e => e != writes[1]), e => e is { Kind: TraceEventKind.Fsync, Path: "events.log" });
        Assert.Equal("done\n", System.Text.Encoding.ASCII.GetString(recording.StandardOutput()));
    }

    [SkippableTheory]
    [InlineData("dirsync", true)]
    [InlineData("nodirsync", false)]
    public void A_Rust_rename_into_place_survives_power_loss_only_with_a_directory_fsync(string mode, bool survives)
    {
        string program = TestPrograms.CompileRust("rename_log");
        using var directory = new TempDirectory();
        Recording recording = Traced.Record(directory.Path, program, mode, "2");
        Traced.Outcome outcome = Traced.Explore(recording, $"python3 {TestPrograms.Source("check_version.py")} data.txt version");

        Assert.Equal(2, recording.Events.Count(e => e is { Kind: TraceEventKind.Rename, Path: "data.tmp", TargetPath: "data.txt" }));
        Assert.Equal(2, recording.Events.Count(e => e is { Kind: TraceEventKind.Fdatasync, Path: "data.tmp" }));
        foreach (KernelModel model in Traced.LinuxModels)
        {
            Assert.True(outcome.Passed(model, CrashKind.ProcessCrash), outcome.ToString());
            Assert.Equal(survives, outcome.Passed(model, CrashKind.PowerLoss));
        }
        if (!survives)
        {
            Assert.Contains(outcome.Reports[1].Failures, f => f.Kind == CrashKind.PowerLoss && f.Message.Contains("was acknowledged", StringComparison.Ordinal));
        }
    }

    [SkippableTheory]
    [InlineData("sync", true)]
    [InlineData("promises", true)]
    [InlineData("promises-nosync", false)]
    public void A_Node_log_is_recorded_from_the_main_thread_and_from_libuv_worker_threads(string mode, bool survives)
    {
        string node = TestPrograms.Require("node");
        using var directory = new TempDirectory();
        Recording recording = Traced.Record(directory.Path, node, TestPrograms.Source("node_log.js"), mode, "3");
        Traced.Outcome outcome = Traced.Explore(recording, $"python3 {TestPrograms.Source("check_version.py")} log.txt records");

        Assert.Equal("1\n2\n3\n", System.Text.Encoding.ASCII.GetString(recording.StandardOutput()));
        var writes = recording.Events.Where(e => e is { Kind: TraceEventKind.Write, Path: "log.txt" }).ToList();
        Assert.Equal(["record 1\n", "record 2\n", "record 3\n"], writes.Select(e => System.Text.Encoding.ASCII.GetString(e.Data.Span)));
        Assert.Equal(survives ? 3 : 0, recording.Events.Count(e => e is { Kind: TraceEventKind.Fsync, Path: "log.txt" }));
        // Events carry the thread's id: fs.promises' writes come from libuv's pool, not the thread that prints.
        int printer = recording.Events.First(e => e.Kind == TraceEventKind.Output).Pid;
        Assert.Equal(mode == "sync", writes.All(w => w.Pid == printer));
        foreach (KernelModel model in Traced.LinuxModels)
        {
            Assert.True(outcome.Passed(model, CrashKind.ProcessCrash), outcome.ToString());
            Assert.Equal(survives, outcome.Passed(model, CrashKind.PowerLoss));
        }
    }

    [SkippableFact]
    public void Forked_python_writers_of_one_file_are_each_recorded_with_their_own_pid()
    {
        string python = TestPrograms.Require("python3");
        using var directory = new TempDirectory();
        Recording recording = Traced.Record(directory.Path, python, TestPrograms.Source("fork_writers.py"), "3");

        var writes = recording.Events.Where(e => e is { Kind: TraceEventKind.Write, Path: "shared.bin" }).ToList();
        Assert.Equal([0L, 512L, 1024L], writes.Select(e => e.OffsetBytes).Order());
        Assert.Equal(3, writes.Select(e => e.Pid).Distinct().Count());
        Assert.All(writes, w => Assert.Equal((byte)('a' + w.OffsetBytes / 512), w.Data.Span[0]));
        Assert.Equal(3, recording.Events.Count(e => e is { Kind: TraceEventKind.Fdatasync, Path: "shared.bin" }));
        Assert.Equal("3\n", System.Text.Encoding.ASCII.GetString(recording.StandardOutput()));
    }

    [SkippableFact]
    public void Signals_reach_the_traced_program_its_handlers_run_and_interrupted_calls_fail_with_EINTR()
    {
        string program = TestPrograms.Compile("signals");
        using var directory = new TempDirectory();
        // Without its handlers the program dies (SIGUSR1, SIGALRM, SIGSEGV) or hangs (SIGCHLD): the
        // recording would throw; with a signal swallowed by the tracer, its line would be missing; a
        // stopped child resumed by the tracer (not by its parent's SIGCONT) logs "cont" before "stop".
        Recording recording = Traced.Record(directory.Path, program);

        Assert.Equal("usr1\nalrm\nchld\nsegv\nstop\ncont\n", System.Text.Encoding.ASCII.GetString(recording.StandardOutput()));
        Assert.Equal(["usr1\n", "alrm\n", "chld\n", "segv\n", "stop\n", "cont\n"],
                     recording.Events.Where(e => e is { Kind: TraceEventKind.Write, Path: "events.log" }).Select(e => System.Text.Encoding.ASCII.GetString(e.Data.Span)));
    }

    [SkippableFact]
    public void An_execve_from_a_non_leader_thread_continues_as_the_leaders_pid_with_its_descriptors()
    {
        string program = TestPrograms.Compile("thread_exec", "-pthread");
        using var directory = new TempDirectory();
        Recording recording = Traced.Record(directory.Path, program);

        var writes = recording.Events.Where(e => e is { Kind: TraceEventKind.Write, Path: "events.log" }).ToList();
        Assert.Equal(["before\n", "from exec\n"], writes.Select(e => System.Text.Encoding.ASCII.GetString(e.Data.Span)));
        Assert.Equal(writes[0].Pid, writes[1].Pid);
        Assert.Equal(7, writes[1].OffsetBytes);
        Assert.Equal("done\n", System.Text.Encoding.ASCII.GetString(recording.StandardOutput()));
    }

    [SkippableFact]
    public void Pwritev2_with_RWF_DSYNC_is_a_synchronous_write_and_RWF_APPEND_appends()
    {
        string program = TestPrograms.Compile("pwritev2_flags");
        using var directory = new TempDirectory();
        Recording recording = Traced.Record(directory.Path, program);
        Traced.Outcome outcome = Traced.Explore(recording, $"python3 {TestPrograms.Source("check_version.py")} log.bin lines first second");

        var writes = recording.Events.Where(e => e is { Kind: TraceEventKind.Write, Path: "log.bin" }).ToList();
        Assert.Equal([0L, 6L], writes.Select(e => e.OffsetBytes));
        Assert.Equal([(0L, 6L), (6L, 7L)], recording.Events.Where(e => e is { Kind: TraceEventKind.SyncWrite }).Select(e => (e.OffsetBytes, e.LengthBytes)));
        // Each line is durable before its acknowledgement: no crash loses it.
        Assert.True(outcome.Reports.All(r => r.Failures.Count == 0), outcome.ToString());
    }
}
