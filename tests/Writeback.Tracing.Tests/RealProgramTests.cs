namespace Writeback.Tracing.Tests;

/// <summary>Real programs, built or installed here, recorded under ptrace and crash-checked with their own checkers.</summary>
public sealed class RealProgramTests
{
    private static readonly KernelModel Old = KernelModel.Linux2_6_19To3_15WholeFile;
    private static readonly KernelModel New = KernelModel.Linux3_16Range;

    [SkippableFact]
    public void A_C_program_that_msyncs_only_its_header_as_a_barrier_breaks_only_under_range_msync()
    {
        string program = TestPrograms.Compile("header_barrier");
        using var directory = new TempDirectory();
        Recording recording = Traced.Record(directory.Path, program, "3");
        Traced.Outcome outcome = Traced.Explore(recording, $"python3 {TestPrograms.Source("check_header_barrier.py")} data.bin");

        Assert.True(Enum.GetValues<CrashKind>().All(k => outcome.Passed(Old, k)), outcome.ToString());
        Assert.True(outcome.Passed(New, CrashKind.ProcessCrash), outcome.ToString());
        Assert.False(outcome.Passed(New, CrashKind.KernelCrash), outcome.ToString());
        Assert.False(outcome.Passed(New, CrashKind.PowerLoss), outcome.ToString());
        // The differential names the program's own calls: the crash points only 3.16+ breaks follow an msync of the
        // header range or the acknowledgement printed right after it (every recorded call names a crash point).
        Assert.NotEmpty(outcome.CandidateOnly);
        Assert.All(outcome.CandidateOnly, f => Assert.Matches(@"^after #\d+ (msync\(data\.bin, offset 0, 4096, MS_SYNC\)|write\(stdout, 2 bytes\)) in pid \d+ \(header_barrier\)$", f.Call));
        Assert.Contains(outcome.CandidateOnly, f => f.Call.Contains("msync(data.bin, offset 0, 4096, MS_SYNC)", StringComparison.Ordinal));
        Assert.Contains(outcome.CandidateOnly, f => f.Message.Contains("is not on disk", StringComparison.Ordinal));
    }

    /// <summary>Consistent when nothing was acknowledged, or when sub/data holds the acknowledged record.</summary>
    private const string NestedDataSurvives = """
        if [ -s "$WRITEBACK_OUTPUT" ]; then
          [ "$(cat "$WRITEBACK_IMAGE/sub/data" 2>/dev/null)" = "acknowledged record" ] || { echo "acknowledged sub/data lost"; exit 1; }
        fi
        """;

    [SkippableFact]
    public void A_C_program_that_fsyncs_only_the_root_after_creating_a_file_in_a_new_subdirectory_loses_it_and_fsyncing_both_passes()
    {
        string program = TestPrograms.Compile("nested_dir");
        using var rootOnly = new TempDirectory();
        Traced.Outcome buggy = Traced.Explore(Traced.Record(rootOnly.Path, program, "root"), NestedDataSurvives);
        using var both = new TempDirectory();
        Traced.Outcome correct = Traced.Explore(Traced.Record(both.Path, program, "both"), NestedDataSurvives);

        foreach (KernelModel model in Traced.LinuxModels)
        {
            Assert.True(buggy.Passed(model, CrashKind.ProcessCrash), buggy.ToString());
            Assert.False(buggy.Passed(model, CrashKind.KernelCrash), buggy.ToString());
            Assert.False(buggy.Passed(model, CrashKind.PowerLoss), buggy.ToString());
        }
        Assert.Contains(buggy.Reports.SelectMany(r => r.Failures), f => f.Message == "acknowledged sub/data lost" && f.Pages.Any(p => p.File == "sub/"));
        Assert.True(correct.Reports.All(r => r.Failures.Count == 0), correct.ToString());
    }

    [SkippableFact]
    public void The_same_log_in_Python_flushing_each_record_before_its_header_passes_everywhere()
    {
        string python = TestPrograms.Require("python3");
        using var directory = new TempDirectory();
        Recording recording = Traced.Record(directory.Path, python, TestPrograms.Source("mmap_log.py"), "range", "3");
        Traced.Outcome outcome = Traced.Explore(recording, $"python3 {TestPrograms.Source("check_header_barrier.py")} log.bin");

        Assert.True(outcome.Reports.All(r => r.Failures.Count == 0), outcome.ToString());
        Assert.Equal("ack 1\nack 2\nack 3\n", System.Text.Encoding.ASCII.GetString(recording.StandardOutput()));
        // Each record's page and then the header were flushed: 2 msyncs per record, with their ranges.
        Assert.Equal(3, recording.Events.Count(e => e is { Kind: TraceEventKind.Msync, OffsetBytes: 4096, LengthBytes: 4096 }));
        Assert.Equal(3, recording.Events.Count(e => e is { Kind: TraceEventKind.Msync, OffsetBytes: 0, LengthBytes: 4096 }));
    }

    [SkippableTheory]
    [InlineData("WAL", "FULL", true)]
    [InlineData("WAL", "OFF", false)]
    [InlineData("DELETE", "FULL", false)]
    [InlineData("DELETE", "EXTRA", true)]
    public void Sqlite3_survives_crashes_only_with_the_syncs_its_mode_needs(string journalMode, string synchronous, bool survives)
    {
        string sqlite = TestPrograms.Require("sqlite3");
        using var directory = new TempDirectory();
        string database = Path.Combine(directory.Path, "test.db");
        Assert.Equal(0, TestPrograms.Run(sqlite, [database, $"PRAGMA journal_mode={journalMode}; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"]).ExitCode);
        string script = $"PRAGMA journal_mode={journalMode}; PRAGMA synchronous={synchronous};\n"
                     + string.Concat(Enumerable.Range(1, 3).Select(i => $"INSERT INTO t(v) VALUES('row {i}'); SELECT 'ack {i}';\n"));

        Recording recording = Traced.Record(directory.Path, sqlite, "test.db", script);
        Traced.Outcome outcome = Traced.Explore(recording, $"sh {TestPrograms.Source("check_sqlite.sh")}", ignore: ["*-shm"]);

        foreach (KernelModel model in Traced.LinuxModels)
        {
            Assert.True(outcome.Passed(model, CrashKind.ProcessCrash), outcome.ToString());
            Assert.True(survives == outcome.Passed(model, CrashKind.PowerLoss), outcome.ToString());
        }
        if (journalMode == "DELETE" && !survives)
        {
            // The journal's unlink is never made durable by a directory fsync: after the crash the "hot"
            // journal rolls back a transaction that was already acknowledged.
            Assert.Contains(outcome.Reports[1].Failures, f => f.Message.Contains("inserts were acknowledged", StringComparison.Ordinal));
            var events = recording.Events.ToList();
            int lastUnlink = events.FindLastIndex(e => e is { Kind: TraceEventKind.Unlink, Path: "test.db-journal" });
            Assert.True(lastUnlink >= 0);
            Assert.DoesNotContain(events.Skip(lastUnlink), e => e.Kind == TraceEventKind.FsyncDirectory);
        }
    }

    [SkippableTheory]
    [InlineData("writemap", true)]
    [InlineData("writemap-nosync", false)]
    public void Lmdb_with_a_writable_map_survives_crashes_only_when_it_syncs(string mode, bool survives)
    {
        string program = TestPrograms.Compile("lmdb_log", "-llmdb");
        using var directory = new TempDirectory();
        // The environment exists (durably) before the traced run: LMDB never fsyncs the directory after
        // creating data.mdb, so under strict POSIX names a new environment's name can itself be lost.
        Assert.Equal(0, TestPrograms.Run(program, ["writemap", "0"], directory.Path).ExitCode);
        Recording recording = Traced.Record(directory.Path, program, mode, "3");
        // lock.mdb holds reader slots only; LMDB reinitialises it when the first process opens the environment.
        Traced.Outcome outcome = Traced.Explore(recording, $"{program} check", ignore: ["lock.mdb"]);

        Assert.Contains(recording.Events, e => e.Kind == TraceEventKind.Store && e.Path == "data.mdb");
        foreach (KernelModel model in Traced.LinuxModels)
        {
            Assert.True(outcome.Passed(model, CrashKind.ProcessCrash), outcome.ToString());
            Assert.True(survives == outcome.Passed(model, CrashKind.PowerLoss), outcome.ToString());
        }
    }
}
