using System.Text;

namespace Writeback.Tracing.Tests;

/// <summary>
/// How recorded calls are replayed: each program call becomes the simulator call with the same
/// guarantee (synthetic recordings, so each rule is tested alone; the checker is a real shell command).
/// </summary>
public sealed class ReplayTests
{
    /// <summary>Consistent when nothing was acknowledged, or when f holds the 4096 bytes written.</summary>
    private const string AcknowledgedDataSurvives = """
        if [ -s "$WRITEBACK_OUTPUT" ]; then
          f="$WRITEBACK_IMAGE/f"
          [ -f "$f" ] && [ "$(stat -c %s "$f")" = 4096 ] && [ -z "$(tr -d x < "$f")" ] || { echo "acknowledged data lost"; exit 1; }
        fi
        """;

    [Theory]
    [InlineData(TraceEventKind.Fdatasync, 0, true)]
    [InlineData(TraceEventKind.Fsync, 0, true)]
    [InlineData(TraceEventKind.SyncWrite, 0, true)]
    [InlineData(TraceEventKind.Msync, 4, true)] // MS_SYNC
    [InlineData(TraceEventKind.Msync, 1, false)] // MS_ASYNC: a no-op since Linux 2.6.19
    [InlineData(TraceEventKind.SyncFileRange, 2, false)] // SYNC_FILE_RANGE_WRITE: starts I/O, guarantees nothing
    public void A_write_acknowledged_after_a_durability_call_survives_power_loss_only_if_the_call_guarantees_it(TraceEventKind sync, int flags, bool survives)
    {
        byte[] data = Enumerable.Repeat((byte)'x', 4096).ToArray();
        TraceEvent[] events =
        [
            Event(TraceEventKind.Create, "open(f, O_RDWR|O_CREAT)"),
            Event(TraceEventKind.FsyncDirectory, "fsync(directory .)", path: "."),
            Event(TraceEventKind.Write, "pwrite64(f, offset 0, 4096 bytes)", length: 4096, data: data),
            Event(sync, $"{sync}(f)", length: 4096, flags: flags),
            Event(TraceEventKind.Output, "write(stdout, 2 bytes)", path: "", data: "1\n"u8.ToArray()),
        ];
        Traced.Outcome outcome = Explore(events, AcknowledgedDataSurvives);

        Assert.True(outcome.Passed(KernelModel.Linux3_16Range, CrashKind.ProcessCrash), outcome.ToString());
        Assert.True(survives == outcome.Passed(KernelModel.Linux3_16Range, CrashKind.PowerLoss), outcome.ToString());
    }

    [Fact]
    public void An_acknowledgement_that_ends_inside_a_line_is_quoted_as_such()
    {
        var recording = new Recording("prog", [], "/d", [],
        [
            Event(TraceEventKind.Output, "write(stdout, 6 bytes)", path: "", data: "ack 1\n"u8.ToArray()),
            Event(TraceEventKind.Output, "write(stdout, 5 bytes)", path: "", data: "ack 2"u8.ToArray()),
        ], 2);
        var scenario = new TraceScenario(recording, new CheckerOptions { Command = "true" });

        Assert.Equal("1 line printed, the last \"ack 1\"", scenario.DescribeAcknowledged(1, 6));
        Assert.Equal("2 lines printed, the last \"ack 2\" (no newline yet)", scenario.DescribeAcknowledged(2, 11));
        Assert.Equal("line 2 \"ack 2\" (no newline yet)", scenario.DescribeAcknowledgement(1, 11));
    }

    [Fact]
    public void A_created_name_survives_power_loss_only_after_a_directory_fsync()
    {
        byte[] data = Enumerable.Repeat((byte)'x', 4096).ToArray();
        TraceEvent[] WithDirectoryFsync(bool fsyncDirectory) =>
        [
            Event(TraceEventKind.Create, "open(f, O_RDWR|O_CREAT)"),
            Event(TraceEventKind.Write, "pwrite64(f, offset 0, 4096 bytes)", length: 4096, data: data),
            Event(TraceEventKind.Fsync, "fsync(f)"),
            .. fsyncDirectory ? [Event(TraceEventKind.FsyncDirectory, "fsync(directory .)", path: ".")] : Array.Empty<TraceEvent>(),
            Event(TraceEventKind.Output, "write(stdout, 2 bytes)", path: "", data: "1\n"u8.ToArray()),
        ];

        Assert.False(Explore(WithDirectoryFsync(false), AcknowledgedDataSurvives).Passed(KernelModel.Linux3_16Range, CrashKind.PowerLoss));
        Assert.True(Explore(WithDirectoryFsync(true), AcknowledgedDataSurvives).Passed(KernelModel.Linux3_16Range, CrashKind.PowerLoss));
    }

    [Fact]
    public void A_renamed_directory_carries_its_files_into_the_image()
    {
        byte[] data = Enumerable.Repeat((byte)'x', 4096).ToArray();
        TraceEvent[] events =
        [
            Event(TraceEventKind.Mkdir, "mkdir(d)", path: "d"),
            Event(TraceEventKind.Create, "open(d/f, O_RDWR|O_CREAT)", path: "d/f"),
            Event(TraceEventKind.Write, "pwrite64(d/f, offset 0, 4096 bytes)", path: "d/f", length: 4096, data: data),
            Event(TraceEventKind.Fsync, "fsync(d/f)", path: "d/f"),
            Event(TraceEventKind.FsyncDirectory, "fsync(directory d)", path: "d"), // f's own entry in d
            new(TraceEventKind.Rename, 7, "rename(d, e)", "d", "e", 0, 0, 0, ReadOnlyMemory<byte>.Empty),
            Event(TraceEventKind.FsyncDirectory, "fsync(directory .)", path: "."),
            Event(TraceEventKind.Output, "write(stdout, 2 bytes)", path: "", data: "1\n"u8.ToArray()),
        ];
        string checker = AcknowledgedDataSurvives.Replace("$WRITEBACK_IMAGE/f", "$WRITEBACK_IMAGE/e/f", StringComparison.Ordinal);
        Traced.Outcome outcome = Explore(events, checker);

        Assert.True(outcome.Reports.All(r => r.Failures.Count == 0), outcome.ToString());
    }

    [Fact]
    public void Crash_points_are_named_by_the_programs_calls_and_the_initial_state_is_not_a_crash_point()
    {
        var recording = new Recording("prog", [], "/d", [new TraceFile("old", false, "kept"u8.ToArray())],
                                      [Event(TraceEventKind.Write, "pwrite64(old, offset 0, 4 bytes)", path: "old", length: 4, data: "new!"u8.ToArray())], 10);
        var scenario = new TraceScenario(recording, new CheckerOptions { Command = "echo \"$WRITEBACK_CRASH_POINT: $(cat \"$WRITEBACK_IMAGE/old\")\"; exit 1" });
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { CrashKinds = [CrashKind.ProcessCrash] }).Explore(scenario);
        scenario.ThrowIfCheckerFailed();

        // Crash points 0-3 set up the initial file (open, write, fsync, directory fsync): never checked.
        Assert.Equal([4, 5], report.Failures.Select(f => f.CrashPointIndex).Order());
        Assert.Equal("#4 before pwrite64(old, offset 0, 4 bytes) in pid 7: kept", report.Failures.Single(f => f.CrashPointIndex == 4).Message);
        Assert.Equal("#5 after pwrite64(old, offset 0, 4 bytes) in pid 7: new!", report.Failures.Single(f => f.CrashPointIndex == 5).Message);
    }

    [Fact]
    public void An_ignored_file_is_in_no_image_and_adds_no_states()
    {
        TraceEvent[] events =
        [
            Event(TraceEventKind.Create, "open(db-shm, O_RDWR|O_CREAT)", path: "db-shm"),
            Event(TraceEventKind.Write, "pwrite64(db-shm, offset 0, 3 bytes)", path: "db-shm", length: 3, data: "abc"u8.ToArray()),
            Event(TraceEventKind.Write, "pwrite64(db-shm, offset 0, 3 bytes)", path: "db-shm", length: 3, data: "def"u8.ToArray()),
        ];
        var recording = new Recording("prog", [], "/d", [], events, 10);
        var scenario = new TraceScenario(recording, new CheckerOptions { Command = "[ ! -e \"$WRITEBACK_IMAGE/db-shm\" ] || { echo present; exit 1; }", IgnoredPaths = ["*-shm"] });
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range).Explore(scenario);
        scenario.ThrowIfCheckerFailed();

        Assert.Empty(report.Failures);
        Assert.Equal(1, scenario.DistinctImages); // the empty image, whatever the crash point and kind
    }

    /// <summary>A file written three times, never synced; the third write puts back the first one's bytes.</summary>
    private static Recording RewrittenFile() => new("prog", [], "/d", [],
    [
        Event(TraceEventKind.Create, "open(f, O_RDWR|O_CREAT)"),
        Event(TraceEventKind.Write, "pwrite64(f, offset 0, 3 bytes)", length: 3, data: "abc"u8.ToArray()),
        Event(TraceEventKind.Write, "pwrite64(f, offset 0, 3 bytes)", length: 3, data: "def"u8.ToArray()),
        Event(TraceEventKind.Write, "pwrite64(f, offset 0, 3 bytes)", length: 3, data: "abc"u8.ToArray()),
    ], 10);

    private static TraceScenario ExploreUnderBothModels(CheckerOptions checker, out CrashReport[] reports)
    {
        var scenario = new TraceScenario(RewrittenFile(), checker);
        SimulationRecord record = CrashExplorer.Record(scenario);
        reports = [.. new[] { KernelModel.Linux2_6_19To3_15WholeFile, KernelModel.Linux3_16Range }.Select(m => new CrashExplorer(m).Explore(record, scenario))];
        scenario.ThrowIfCheckerFailed();
        return scenario;
    }

    [Fact]
    public void By_default_the_checker_judges_each_image_content_once_for_every_model_and_crash_kind_and_is_not_told_them()
    {
        // The checker fails if it is told the model or the crash kind: by default it must not be.
        TraceScenario scenario = ExploreUnderBothModels(new CheckerOptions { Command = "[ -z \"${WRITEBACK_MODEL-}${WRITEBACK_CRASH_KIND-}\" ] || { echo told; exit 1; }" }, out CrashReport[]? reports);

        Assert.All(reports, report => Assert.Empty(report.Failures));
        Assert.True(scenario.DistinctImages >= 3, $"{scenario.DistinctImages} images"); // no f, f empty, "abc", "def"
        Assert.Equal(scenario.DistinctImages, scenario.CheckerRuns);
    }

    [Fact]
    public void A_checker_that_dies_in_a_python_traceback_reading_the_model_is_told_why_in_one_line()
    {
        // What a Python checker doing os.environ["WRITEBACK_MODEL"] prints without --checker-uses-context.
        const string traceback = "printf 'Traceback (most recent call last):\\n  File \"check.py\", line 3, in <module>\\nKeyError: %s\\n' \"'WRITEBACK_MODEL'\" >&2; exit 1";
        ExploreUnderBothModels(new CheckerOptions { Command = traceback }, out CrashReport[]? reports);

        string message = reports[0].Failures[0].Message;
        Assert.Equal("KeyError: 'WRITEBACK_MODEL' (a Python traceback on standard error) (WRITEBACK_MODEL and WRITEBACK_CRASH_KIND are set only for a checker run with --checker-uses-context)", message);
    }

    [Fact]
    public void A_checker_that_uses_the_context_is_told_it_and_a_verdict_is_reused_only_under_the_same_crash_kind_and_model()
    {
        TraceScenario scenario = ExploreUnderBothModels(new CheckerOptions { Command = "[ \"$WRITEBACK_CRASH_KIND\" != PowerLoss ] || { echo power loss; exit 1; }", VerdictDependsOnContext = true },
                                                        out CrashReport[]? reports);

        Assert.True(scenario.CheckerRuns > scenario.DistinctImages, $"{scenario.CheckerRuns} runs, {scenario.DistinctImages} images");
        foreach (CrashReport report in reports)
        {
            Assert.Contains(report.Failures, f => f.Kind == CrashKind.PowerLoss);
            Assert.DoesNotContain(report.Failures, f => f.Kind != CrashKind.PowerLoss);
        }
    }

    private static Traced.Outcome Explore(TraceEvent[] events, string checker) =>
        Traced.Explore(new Recording("prog", [], "/d", [], events, events.Length), checker);

    private static TraceEvent Event(TraceEventKind kind, string call, string path = "f", long length = 0, int flags = 0, byte[]? data = null) =>
        new(kind, 7, call, path, "", 0, length, flags, data ?? ReadOnlyMemory<byte>.Empty);
}
