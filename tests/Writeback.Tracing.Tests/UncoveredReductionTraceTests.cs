using Writeback.Simulation;

namespace Writeback.Tracing.Tests;

/// <summary>
/// The reduction of never-covered files in the trace replay (issue 17 item 6): a -shm-like file written at every step
/// and never synced collapses while the checker ignores it, and is explored in full when the checker reads it.
/// </summary>
public sealed class UncoveredReductionTraceTests
{
    /// <summary>A log fsynced after each of three steps; an index of 4 pages rewritten at each step, never synced.</summary>
    private static Recording LogAndIndex()
    {
        var events = new List<TraceEvent>
        {
            Event(TraceEventKind.Create, "open(log, O_RDWR|O_CREAT)", "log"),
            Event(TraceEventKind.Create, "open(db-shm, O_RDWR|O_CREAT)", "db-shm"),
        };
        for (int step = 0; step < 3; step++)
        {
            byte letter = (byte)('a' + step);
            for (int page = 0; page < 4; page++)
            {
                events.Add(Event(TraceEventKind.Write, $"pwrite64(db-shm, offset {page * 4096}, 1 bytes)", "db-shm", page * 4096L, [letter]));
            }
            events.Add(Event(TraceEventKind.Write, $"pwrite64(log, offset {step}, 1 bytes)", "log", step, [letter]));
            events.Add(Event(TraceEventKind.Fsync, "fsync(log)", "log"));
        }
        return new Recording("prog", [], "/d", [], [.. events], 10);
    }

    private static TraceEvent Event(TraceEventKind kind, string call, string path, long offset = 0, byte[]? data = null) =>
        new(kind, 7, call, path, "", offset, data?.Length ?? 0, 0, data ?? ReadOnlyMemory<byte>.Empty);

    private static (CrashReport Reduced, CrashReport Full) Explore(string checker)
    {
        var options = new ExplorerOptions { CrashKinds = [CrashKind.KernelCrash] };
        var reducedScenario = new TraceScenario(LogAndIndex(), new CheckerOptions { Command = checker });
        CrashReport reduced = new CrashExplorer(KernelModel.Linux3_16Range, options).Explore(reducedScenario);
        reducedScenario.ThrowIfCheckerFailed();
        var fullScenario = new TraceScenario(LogAndIndex(), new CheckerOptions { Command = checker });
        CrashReport full = new CrashExplorer(KernelModel.Linux3_16Range, options with { ReduceUncoveredFiles = false }).Explore(fullScenario);
        fullScenario.ThrowIfCheckerFailed();
        return (reduced, full);
    }

    [Fact]
    public void An_index_the_checker_ignores_is_collapsed_with_the_same_verdicts()
    {
        (CrashReport reduced, CrashReport full) = Explore("exit 0");

        Assert.True(reduced.Passed && full.Passed);
        // The log too is never covered before its first fsync.
        UncoveredFileReduction reduction = Assert.Single(reduced.UncoveredFileReductions, r => r.File == "db-shm");
        Assert.Equal(0, reduction.FallbackCrashPoints);
        Assert.True(reduced.StatesGenerated < full.StatesGenerated, $"{reduced.StatesGenerated} vs {full.StatesGenerated}");
    }

    [Fact]
    public void An_index_the_checker_reads_is_explored_in_full_and_its_failures_found()
    {
        // Fails when the index holds step 2's letter: the kept representative does, all-lost does not.
        (CrashReport reduced, CrashReport full) = Explore("! grep -q c \"$WRITEBACK_IMAGE/db-shm\" 2>/dev/null || { echo stale index; exit 1; }");

        Assert.NotEmpty(full.Failures);
        Assert.Equal(full.Failures.Select(f => (f.CrashPointIndex, f.Message)), reduced.Failures.Select(f => (f.CrashPointIndex, f.Message)));
        Assert.True(Assert.Single(reduced.UncoveredFileReductions, r => r.File == "db-shm").FallbackCrashPoints > 0, reduced.ToJson());
    }
}
