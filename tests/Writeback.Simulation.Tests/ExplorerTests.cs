using System.Text.Json;
using Writeback.Simulation.Examples;
using Xunit.Abstractions;

namespace Writeback.Simulation.Tests;

public sealed class ExplorerTests(ITestOutputHelper output)
{
    private const ulong Seed = 0x5EED_0003UL;

    [Fact]
    public void The_same_seed_gives_a_byte_identical_report_whatever_the_thread_count()
    {
        // Few states per crash point forces bounded exploration, and no deviations leaves the third state to a random
        // sample (--max-states caps deviations and samples alike), so the seed matters.
        ICrashScenario scenario = BundledScenarios.LengthPrefixedLog.Scenario;
        var options = new ExplorerOptions { AtomicWriteBytes = 512, Seed = Seed, MaxStatesPerCrashPoint = 3, RandomSamplesPerCrashPoint = 16, BoundedDeviations = 0 };
        output.WriteLine($"seed {Seed}");
        CrashReport first = new CrashExplorer(KernelModel.Linux3_16Range, options with { Parallelism = 1 }).Explore(scenario);
        CrashReport second = new CrashExplorer(KernelModel.Linux3_16Range, options with { Parallelism = 4 }).Explore(scenario);
        Assert.True(first.BoundedCrashPoints > 0, "the test must exercise sampling");
        Assert.False(first.Passed);
        Assert.Equal(first.ToJson(), second.ToJson());
        CrashReport otherSeed = new CrashExplorer(KernelModel.Linux3_16Range, options with { Seed = Seed + 1 }).Explore(scenario);
        Assert.NotEqual(first.ToJson(), otherSeed.ToJson());
    }

    [Theory]
    [InlineData("header-barrier", nameof(KernelModel.Linux3_16Range), CrashKind.PowerLoss, 4096)]
    [InlineData("length-prefixed-log", nameof(KernelModel.Linux3_16Range), CrashKind.PowerLoss, 512)]
    [InlineData("start-writeback-ack", nameof(KernelModel.MsAsyncStartsIo), CrashKind.KernelCrash, 4096)]
    [InlineData("missing-directory-flush", nameof(KernelModel.FreeBsd), CrashKind.PowerLoss, 4096)]
    public void A_shrunk_state_still_fails_and_no_single_step_towards_its_base_does(string scenarioName, string modelName, CrashKind kind, int atomicWriteBytes)
    {
        ICrashScenario scenario = BundledScenarios.All.Single(b => b.Scenario.Name == scenarioName).Scenario;
        Assert.True(KernelModel.TryParse(modelName, out KernelModel? model));
        SimulationRecord record = CrashExplorer.Record(scenario);
        CrashReport report = new CrashExplorer(model, new ExplorerOptions { CrashKinds = [kind], AtomicWriteBytes = atomicWriteBytes, Seed = Seed }).Explore(record, scenario);
        Assert.NotEmpty(report.Failures);
        foreach (CrashFailure failure in report.Failures)
        {
            int[] shrunk = failure.ShrunkState!;
            Assert.False(CrashExplorer.CheckState(record, model, scenario, kind, failure.CrashPointIndex, atomicWriteBytes, shrunk).Passed,
                $"shrunk state at crash point {failure.CrashPointIndex} passes");
            int[] baseState = failure.ShrunkBase == "all-kept"
                ? Enumerable.Repeat(1, shrunk.Length).ToArray()
                : new int[shrunk.Length];
            int deviations = Enumerable.Range(0, shrunk.Length).Count(i => shrunk[i] != baseState[i]);
            Assert.True(deviations <= Enumerable.Range(0, shrunk.Length).Count(i => failure.FailingState![i] != baseState[i]));
            Assert.Equal(deviations, failure.ShrunkDeviations!.Count);
            for (int choice = 0; choice < shrunk.Length; choice++)
            {
                if (shrunk[choice] == baseState[choice])
                {
                    continue;
                }
                int[] step = (int[])shrunk.Clone();
                step[choice] = baseState[choice];
                Assert.True(CrashExplorer.CheckState(record, model, scenario, kind, failure.CrashPointIndex, atomicWriteBytes, step).Passed,
                    $"the shrunk state at crash point {failure.CrashPointIndex} is not minimal: choice {choice} can move to its base");
            }
        }
        output.WriteLine($"seed {Seed}: {report.Failures.Count} failures; first shrunk: {string.Join("; ", report.Failures[0].ShrunkDeviations!)}");
    }

    [Theory]
    [InlineData("header-barrier", nameof(KernelModel.Linux3_16Range), 512, 3)]
    [InlineData("length-prefixed-log", nameof(KernelModel.FreeBsd), 512, 4)]
    [InlineData("write-ahead-log", nameof(KernelModel.WindowsFlushViewOnly), 4096, 2)]
    public void The_shards_failures_together_equal_the_unsharded_runs(string scenarioName, string modelName, int atomicWriteBytes, int shardCount)
    {
        ICrashScenario scenario = BundledScenarios.All.Single(b => b.Scenario.Name == scenarioName).Scenario;
        Assert.True(KernelModel.TryParse(modelName, out KernelModel? model));
        SimulationRecord record = CrashExplorer.Record(scenario);
        var options = new ExplorerOptions { AtomicWriteBytes = atomicWriteBytes, Seed = Seed, MaxStatesPerCrashPoint = 8 };
        static string Key(CrashFailure f) => JsonSerializer.Serialize(new[] { f.Kind.ToString(), f.CrashPointIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), f.Message, string.Join(",", f.Pages.Select(p => p.ToLetters())) });
        var whole = new CrashExplorer(model, options).Explore(record, scenario).Failures.Select(Key).Order().ToList();
        var union = Enumerable.Range(0, shardCount)
            .SelectMany(shard => new CrashExplorer(model, options with { ShardIndex = shard, ShardCount = shardCount }).Explore(record, scenario).Failures)
            .Select(Key).Order().ToList();
        Assert.NotEmpty(whole);
        Assert.Equal(whole, union);
    }

    [Fact]
    public void Compare_finds_the_failures_the_header_barrier_gets_only_since_3_16()
    {
        ICrashScenario scenario = BundledScenarios.HeaderBarrier.Scenario;
        DifferentialReport diff = CrashExplorer.Compare(KernelModel.Linux2_6_19To3_15WholeFile, KernelModel.Linux3_16Range, scenario, new ExplorerOptions { Seed = Seed });
        Assert.True(diff.Baseline.Passed);
        Assert.NotEmpty(diff.CandidateOnlyFailures);
        Assert.Empty(diff.BaselineOnlyFailures);
        Assert.Empty(diff.BothFailures);
        Assert.False(diff.CandidateIsNoWorse);
        Assert.All(diff.CandidateOnlyFailures, f => Assert.NotEqual(CrashKind.ProcessCrash, f.Kind));
        Assert.Contains(diff.CandidateOnlyFailures, f => f.Message.Contains("is not on disk", StringComparison.Ordinal));
        CrashFailure first = diff.CandidateOnlyFailures[0];
        output.WriteLine($"{first.Kind} at #{first.CrashPointIndex} {first.Call}: {first.Message}");
        output.WriteLine($"shrunk ({first.ShrunkBase}): {string.Join("; ", first.ShrunkDeviations!)}");

        DifferentialReport both = CrashExplorer.Compare(KernelModel.Linux2_6_19To3_15WholeFile, KernelModel.Linux3_16Range, BundledScenarios.StartWritebackAck.Scenario);
        Assert.NotEmpty(both.BothFailures);
        Assert.Empty(both.CandidateOnlyFailures);
        Assert.Empty(both.BaselineOnlyFailures);
        Assert.Equal(both.Candidate.Failures.Count, both.BothFailures.Count);

        DifferentialReport wal = CrashExplorer.Compare(KernelModel.Linux2_6_19To3_15WholeFile, KernelModel.Linux3_16Range, BundledScenarios.WriteAheadLog.Scenario);
        Assert.True(wal.CandidateIsNoWorse);
        Assert.True(wal.Candidate.Passed);
    }

    [Fact]
    public void The_report_serialises_models_by_name_and_pages_as_letters()
    {
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Seed = Seed, CrashKinds = [CrashKind.PowerLoss] })
            .Explore(BundledScenarios.HeaderBarrier.Scenario);
        using var json = JsonDocument.Parse(report.ToJson());
        JsonElement root = json.RootElement;
        Assert.Equal("header-barrier", root.GetProperty("scenario").GetString());
        Assert.Equal("Linux3_16Range", root.GetProperty("model").GetString());
        Assert.Equal(Seed, root.GetProperty("seed").GetUInt64());
        Assert.False(root.TryGetProperty("elapsed", out _));
        JsonElement failure = root.GetProperty("failures")[0];
        Assert.Equal("PowerLoss", failure.GetProperty("kind").GetString());
        JsonElement pages = failure.GetProperty("pages")[0];
        Assert.Equal("barrier.bin", pages.GetProperty("file").GetString());
        Assert.Matches("^[DKLT]+$", pages.GetProperty("pages").GetString()!);
        Assert.Contains("L", failure.GetProperty("shrunkPages")[0].GetProperty("pages").GetString()!, StringComparison.Ordinal);
        Assert.Contains("--seed " + Seed, failure.GetProperty("reproduce").GetString()!, StringComparison.Ordinal);
        Assert.True(JsonDocument.Parse(report.ToJson(includeElapsed: true)).RootElement.TryGetProperty("elapsedMs", out _));
    }

    [Fact]
    public void A_failure_says_which_version_was_in_flight_after_StartWriteback()
    {
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { CrashKinds = [CrashKind.KernelCrash] })
            .Explore(BundledScenarios.StartWritebackAck.Scenario);
        CrashFailure failure = report.Failures[0];
        Assert.Contains(failure.Deviations.Concat(failure.ShrunkDeviations!), d => d.Contains("in flight (write started, not awaited)", StringComparison.Ordinal));
        CrashReport macOs = new CrashExplorer(KernelModel.MacOsMsyncWithoutFullFsync, new ExplorerOptions { CrashKinds = [CrashKind.KernelCrash] })
            .Explore(BundledScenarios.StartWritebackAck.Scenario);
        Assert.DoesNotContain(macOs.Failures.SelectMany(f => f.Deviations.Concat(f.ShrunkDeviations!)), d => d.Contains("in flight", StringComparison.Ordinal));
    }

    [Fact]
    public void Identical_images_are_checked_once()
    {
        ICrashScenario scenario = BundledScenarios.WriteAheadLog.Scenario;
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Seed = Seed }).Explore(scenario);
        Assert.True(report.Passed);
        Assert.True(report.StatesChecked < report.StatesGenerated, $"{report.StatesChecked} checked of {report.StatesGenerated} generated");
        Assert.Equal(report.CrashPoints * 3, report.ExhaustiveCrashPoints + report.BoundedCrashPoints);
    }

    [Fact]
    public void Progress_reaches_every_crash_point()
    {
        var reports = new List<ExplorationProgress>();
        var progress = new SynchronousProgress(reports);
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Progress = progress, ShardIndex = 1, ShardCount = 2 })
            .Explore(BundledScenarios.DualMetaPages.Scenario);
        Assert.NotEmpty(reports);
        ExplorationProgress last = reports.MaxBy(r => r.CrashPointsDone)!;
        Assert.Equal(report.CrashPoints / 2, last.CrashPointsTotal);
        Assert.Equal(last.CrashPointsTotal, last.CrashPointsDone);
    }

    [Fact]
    public void A_checker_that_throws_is_a_failure_with_the_exception_named()
    {
        var scenario = new DelegateScenario("throws", (storage, _) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 4096 });
            file.FlushFile();
        }, (_, _) => throw new InvalidDataException("bad header"));
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range).Explore(scenario);
        Assert.All(report.Failures, f => Assert.Contains("InvalidDataException: bad header", f.Message, StringComparison.Ordinal));
        Assert.Equal(report.CrashPoints * 3, report.Failures.Count);
    }

    [Fact]
    public void Invalid_options_are_rejected_naming_the_option()
    {
        var explorer = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { ShardIndex = 2, ShardCount = 2 });
        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(() => explorer.Explore(BundledScenarios.DualMetaPages.Scenario));
        Assert.Equal("ShardIndex", exception.ParamName);
        var atomic = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { AtomicWriteBytes = 1000 });
        Assert.Equal("AtomicWriteBytes", Assert.Throws<ArgumentOutOfRangeException>(() => atomic.Explore(BundledScenarios.DualMetaPages.Scenario)).ParamName);
    }

    private sealed class SynchronousProgress(List<ExplorationProgress> reports) : IProgress<ExplorationProgress>
    {
        public void Report(ExplorationProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
