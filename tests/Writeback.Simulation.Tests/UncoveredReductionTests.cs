namespace Writeback.Simulation.Tests;

/// <summary>
/// The reduction of never-covered files (issue 17 item 6): a file no durability call ever covered collapses to three
/// representatives while the checker's verdicts agree across them, and is explored in full where they do not.
/// </summary>
public sealed class UncoveredReductionTests
{
    private const int Page = 4096;
    private const int Steps = 10;

    /// <summary>
    /// A log synced at every step but one (step 4 is acknowledged before its flush: a real bug) beside an index whose
    /// 8 pages are stored into at every step and never flushed, as SQLite's -shm.
    /// </summary>
    private static void LogAndIndex(IMappedStorage storage, Acknowledgements acknowledged, bool withIndex)
    {
        using IMappedFile log = storage.Open("db.log", new MappedFileOptions { Length = Steps * Page });
        using IMappedFile? index = withIndex ? storage.Open("db-shm", new MappedFileOptions { Length = 8 * Page }) : null;
        log.FlushFile();
        storage.FlushDirectory();
        for (int step = 0; step < Steps; step++)
        {
            for (int page = 0; page < 8; page++)
            {
                index?.GetSpan((long)page * Page, 8).Fill((byte)(step + 1));
            }
            log.GetSpan((long)step * Page, 1).Fill((byte)(step + 1));
            if (step == 4)
            {
                acknowledged.Add(step);
                log.Flush((long)step * Page, Page);
                continue;
            }
            log.Flush((long)step * Page, Page);
            acknowledged.Add(step);
        }
    }

    /// <summary>Every acknowledged step's byte is in the log.</summary>
    private static CheckResult CheckLog(IMappedStorage recovered, CrashContext context)
    {
        if (context.Acknowledged.Count == 0)
        {
            return CheckResult.Ok; // nothing promised yet (the log's name may not be durable)
        }
        using IMappedFile log = recovered.Open("db.log", new MappedFileOptions { Mode = FileMode.Open });
        byte[] one = new byte[1];
        for (int step = 0; step < context.Acknowledged.Count; step++)
        {
            log.Read((long)step * Page, one);
            if (one[0] != step + 1)
            {
                return CheckResult.Fail($"acknowledged step {step} lost");
            }
        }
        return CheckResult.Ok;
    }

    /// <summary>The log's check, and the index must hold no stale entry: its first byte 0 (a checker that reads it).</summary>
    private static CheckResult CheckLogAndIndex(IMappedStorage recovered, CrashContext context)
    {
        if (recovered.Exists("db-shm"))
        {
            using IMappedFile index = recovered.Open("db-shm", new MappedFileOptions { Mode = FileMode.Open });
            byte[] one = new byte[1];
            if (index.Length > 0)
            {
                index.Read(0, one);
            }
            if (one[0] != 0)
            {
                return CheckResult.Fail("the index holds a stale entry");
            }
        }
        return CheckLog(recovered, context);
    }

    private static readonly ExplorerOptions KernelCrashes = new() { CrashKinds = [CrashKind.KernelCrash] };

    [Fact]
    public void A_never_covered_file_the_checker_ignores_collapses_with_the_verdicts_of_the_run_without_it()
    {
        var withIndex = new DelegateScenario("log-and-index", (s, a) => LogAndIndex(s, a, withIndex: true), CheckLog);
        var withoutIndex = new DelegateScenario("log", (s, a) => LogAndIndex(s, a, withIndex: false), CheckLog);

        CrashReport reduced = new CrashExplorer(KernelModel.Linux3_16Range, KernelCrashes).Explore(withIndex);
        CrashReport full = new CrashExplorer(KernelModel.Linux3_16Range, KernelCrashes with { ReduceUncoveredFiles = false }).Explore(withIndex);
        CrashReport ignored = new CrashExplorer(KernelModel.Linux3_16Range, KernelCrashes).Explore(withoutIndex);

        Assert.False(reduced.Passed);
        Assert.Equal(full.Failures.Select(f => (f.CrashPointIndex, f.Message)), reduced.Failures.Select(f => (f.CrashPointIndex, f.Message)));
        // Without the index the crash points are numbered differently: the same failures by message and count.
        Assert.Equal(ignored.Failures.Select(f => f.Message).Order(), reduced.Failures.Select(f => f.Message).Order());
        UncoveredFileReduction reduction = Assert.Single(reduced.UncoveredFileReductions);
        Assert.Equal("db-shm", reduction.File);
        Assert.Equal(CrashExplorer.Representatives, reduction.Representatives);
        Assert.True(reduction.CrashPoints > 0, reduced.ToJson());
        Assert.Equal(0, reduction.FallbackCrashPoints);
        Assert.True(reduction.ReducedStates * 10 < reduction.FullStates, reduced.ToJson());
        Assert.True(reduced.StatesGenerated * 5 < full.StatesGenerated, $"{reduced.StatesGenerated} vs {full.StatesGenerated}");
        Assert.Empty(full.UncoveredFileReductions);
        Assert.Contains("\"uncoveredFileReductions\"", reduced.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_never_covered_file_the_checker_reads_is_explored_in_full_and_its_failures_found()
    {
        var scenario = new DelegateScenario("log-and-index", (s, a) => LogAndIndex(s, a, withIndex: true), CheckLogAndIndex);

        CrashReport reduced = new CrashExplorer(KernelModel.Linux3_16Range, KernelCrashes).Explore(scenario);
        CrashReport full = new CrashExplorer(KernelModel.Linux3_16Range, KernelCrashes with { ReduceUncoveredFiles = false }).Explore(scenario);

        Assert.Contains(full.Failures, f => f.Message.Contains("stale entry", StringComparison.Ordinal));
        Assert.Equal(full.Failures.Select(f => (f.CrashPointIndex, f.Message)), reduced.Failures.Select(f => (f.CrashPointIndex, f.Message)));
        UncoveredFileReduction reduction = Assert.Single(reduced.UncoveredFileReductions);
        Assert.True(reduction.FallbackCrashPoints > 0, reduced.ToJson());
    }
}
