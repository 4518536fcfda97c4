namespace Writeback.Simulation.Tests;

/// <summary>
/// A chunk of 1,024 pages stored by one call before one flush (issue 17 item 6): bounded exploration
/// deviates the run as a unit and at its ends, samples a few states, and <c>--max-states</c> caps it all;
/// failures explain the rule broken.
/// </summary>
public sealed class BoundedExplorationTests
{
    private const int Page = 4096;
    private const int ChunkPages = 1024;

    /// <summary>Two 4 MiB chunks, each stored through a span then flushed by range, acknowledged after its flush.</summary>
    private static SimulationRecord Chunks() => CrashExplorer.Record(new DelegateScenario("chunks", (storage, acknowledged) =>
    {
        using var file = storage.Open("data.bin", new MappedFileOptions { Length = 2L * ChunkPages * Page });
        file.FlushFile();
        storage.FlushDirectory();
        for (var chunk = 0; chunk < 2; chunk++)
        {
            file.GetSpan((long)chunk * ChunkPages * Page, ChunkPages * Page).Fill((byte)(chunk + 1));
            file.Flush((long)chunk * ChunkPages * Page, ChunkPages * Page);
            acknowledged.Add(chunk);
        }
    }));

    [Fact]
    public void A_chunk_of_pages_stored_by_one_call_costs_a_few_states_not_one_per_page()
    {
        var record = Chunks();
        var flush = Enumerable.Range(0, record.CallCount).First(i => record.DescribeCall(i).StartsWith("Flush(data.bin, offset=0", StringComparison.Ordinal));
        var images = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, flush, new ExplorerOptions()).ToList();

        // all-lost, all-kept, the run kept/lost whole and at each end (2 x 3), and 8 samples.
        Assert.InRange(images.Count, 8, 2 + 6 + CrashExplorer.SamplesPerRun);
        Assert.Contains(images, image => image["data.bin"].AsSpan(0, ChunkPages * Page).IndexOfAnyExcept((byte)0) < 0);  // all lost
        Assert.Contains(images, image => image["data.bin"].AsSpan(0, ChunkPages * Page).IndexOfAnyExcept((byte)1) < 0);  // all kept
        Assert.Contains(images, image => image["data.bin"][0] == 1 && image["data.bin"][Page] == 0);                      // first page alone
        Assert.Contains(images, image => image["data.bin"][(ChunkPages - 1) * Page] == 1 && image["data.bin"][0] == 0);  // last page alone
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Max_states_caps_the_deviations_and_samples_of_a_bounded_crash_point(int maxStates)
    {
        var record = Chunks();
        var flush = Enumerable.Range(0, record.CallCount).First(i => record.DescribeCall(i).StartsWith("Flush(data.bin, offset=0", StringComparison.Ordinal));
        var options = new ExplorerOptions { MaxStatesPerCrashPoint = maxStates };

        Assert.Equal(maxStates, CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.KernelCrash, flush, options).Count());
        var report = new CrashExplorer(KernelModel.Linux3_16Range, options).Explore(record, new DelegateScenario("chunks", (_, _) => { }));
        Assert.True(report.StatesGenerated <= (long)maxStates * report.CrashPoints * report.CrashKinds.Count, $"{report.StatesGenerated} states");
    }

    /// <summary>
    /// A log synced at every step beside an index whose 8 pages are stored into at every step and never
    /// synced (SQLite's -shm): the index's versions make the crash points bounded, and the report names it.
    /// </summary>
    internal static DelegateScenario LogWithUnsyncedIndex() => new("log-and-index", (storage, acknowledged) =>
    {
        using var log = storage.Open("db.log", new MappedFileOptions { Length = 20 * Page });
        using var index = storage.Open("db-shm", new MappedFileOptions { Length = 8 * Page });
        log.FlushFile();
        index.FlushFile();
        storage.FlushDirectory();
        for (var step = 0; step < 20; step++)
        {
            for (var page = 0; page < 8; page++)
            {
                index.GetSpan((long)page * Page, 8).Fill((byte)(step + 1));
                log.GetSpan((long)step * Page, 1).Fill((byte)(step + 1)); // one store per index store: the log's pages stay few
            }
            log.Flush((long)step * Page, Page);
            acknowledged.Add(step);
        }
    });

    [Fact]
    public void The_file_that_makes_crash_points_bounded_is_named_in_the_report()
    {
        var report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { CrashKinds = [CrashKind.PowerLoss] }).Explore(LogWithUnsyncedIndex());

        Assert.True(report.BoundedCrashPoints > 0, report.ToJson());
        var top = report.BoundedStateShares[0];
        Assert.Equal("db-shm", top.File);
        Assert.True(top.Share > 0.9, report.ToJson());
        Assert.Equal(1.0, report.BoundedStateShares.Sum(s => s.Share), 2);
    }

    [Fact]
    public void A_run_with_only_exhaustive_crash_points_names_no_file()
    {
        var report = new CrashExplorer(KernelModel.Linux3_16Range).Explore(Chunks(), new DelegateScenario("chunks", (_, _) => { }));
        // A process crash keeps the page cache: one state per crash point.
        var exhaustiveOnly = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { CrashKinds = [CrashKind.ProcessCrash] })
            .Explore(LogWithUnsyncedIndex());

        Assert.Contains(report.BoundedStateShares, s => s.File == "data.bin");
        Assert.Equal(0, exhaustiveOnly.BoundedCrashPoints);
        Assert.Empty(exhaustiveOnly.BoundedStateShares);
    }

    [Fact]
    public void An_acknowledgement_before_the_flush_is_diagnosed_with_its_timeline()
    {
        var scenario = new DelegateScenario("ack-early", (storage, acknowledged) =>
        {
            using var file = storage.Open("data.bin", new MappedFileOptions { Length = Page });
            file.FlushFile();
            storage.FlushDirectory();
            file.Write(0, [7]);
            acknowledged.Add(1);
            file.Flush(0, Page);
        }, (recovered, context) =>
        {
            if (context.Acknowledged.Count == 0)
            {
                return CheckResult.Ok; // nothing promised yet
            }
            using var file = recovered.Open("data.bin", new MappedFileOptions { Mode = FileMode.Open });
            var first = new byte[1];
            file.Read(0, first);
            return context.Acknowledged.Count > 0 && first[0] != 7 ? CheckResult.Fail("acknowledged byte lost") : CheckResult.Ok;
        });

        var report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { CrashKinds = [CrashKind.KernelCrash] }).Explore(scenario);

        var explanation = Assert.Single(report.Failures).Explanation;
        Assert.NotNull(explanation);
        Assert.Equal(DiagnosisCategory.AcknowledgedBeforeSync, explanation.Category);
        Assert.Equal(0, explanation.AcknowledgementIndex);
        Assert.NotNull(explanation.DurableAtCall);
        Assert.StartsWith("Flush(data.bin", report.Failures[0].Explanation!.Timeline.Single(e => e.Role == ExplanationRole.MissingSync).Text.Split(' ', 2)[1], StringComparison.Ordinal);
        Assert.Equal(ExplanationRole.Write, explanation.Timeline.First(e => e.CallIndex == explanation.WrittenAtCall).Role);
        Assert.Contains("\"explanation\"", report.ToJson(), StringComparison.Ordinal);
    }
}
