namespace Writeback.Simulation.Tests;

/// <summary>
/// What a C# scenario can do through the public API alone, as writeback trace's replay does:
/// directories (ISubdirectoryStorage) while recording and while checking, the images of a crash
/// point and of a failure, and acknowledgements that are told to a real program's user.
/// </summary>
public sealed class PublicSeamTests
{
    private const int Page = 4096;

    /// <summary>Writes d/f durably except for the directory d's own fsync when <paramref name="flushSubdirectory"/> is false.</summary>
    private static DelegateScenario Tree(bool flushSubdirectory) => new("tree", (storage, acknowledged) =>
    {
        var tree = (ISubdirectoryStorage)storage;
        tree.CreateDirectory("d");
        tree.FlushDirectory();
        using (var file = tree.Open("d/f", new MappedFileOptions { Length = Page }))
        {
            file.Write(0, "x"u8);
            file.FlushFile();
        }
        if (flushSubdirectory)
        {
            tree.FlushDirectory("d");
        }
        acknowledged.Add(1);
    }, (recovered, context) =>
    {
        var tree = (ISubdirectoryStorage)recovered;
        if (context.Acknowledged.Count == 0)
        {
            return CheckResult.Ok;
        }
        if (!tree.DirectoryExists("d"))
        {
            return CheckResult.Fail("d is gone");
        }
        return tree.ListDirectory("d") is ["f"] ? CheckResult.Ok : CheckResult.Fail($"d holds [{string.Join(", ", tree.ListDirectory("d"))}]");
    });

    [Fact]
    public void A_scenario_with_a_subdirectory_fails_without_the_subdirectorys_fsync_and_passes_with_it()
    {
        var options = new ExplorerOptions { CrashKinds = [CrashKind.PowerLoss] };
        var without = new CrashExplorer(KernelModel.Linux3_16Range, options).Explore(Tree(flushSubdirectory: false));
        var with = new CrashExplorer(KernelModel.Linux3_16Range, options).Explore(Tree(flushSubdirectory: true));

        Assert.Equal("d holds []", Assert.Single(without.Failures).Message);
        Assert.True(with.Passed, string.Join("; ", with.Failures.Select(f => f.Message)));
    }

    [Fact]
    public void The_images_of_a_crash_point_and_of_a_failure_are_public()
    {
        var scenario = Tree(flushSubdirectory: false);
        var record = CrashExplorer.Record(scenario);
        var images = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount)
            .Select(image => string.Join(" ", image.Keys.Order(StringComparer.Ordinal))).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["d/", "d/ d/f"], images);

        var report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { CrashKinds = [CrashKind.PowerLoss] }).Explore(record, scenario);
        var failure = Assert.Single(report.Failures);
        var failing = CrashExplorer.FailureImage(record, KernelModel.Linux3_16Range, failure, report.AtomicWriteBytes);
        Assert.NotNull(failing);
        Assert.Equal(["d/"], failing.Keys);
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount + 1));
    }

    [Fact]
    public void Acknowledgements_tell_each_value_as_it_is_added()
    {
        var told = new List<long>();
        var acknowledged = new Acknowledgements(told.Add);
        acknowledged.Add(3);
        acknowledged.Add(5);

        Assert.Equal([3L, 5L], told);
        Assert.Equal([3L, 5L], acknowledged.Values);
    }

    [Fact]
    public void Call_descriptions_name_the_crash_points()
    {
        var names = new System.Collections.Concurrent.ConcurrentDictionary<int, string>();
        var scenario = new DelegateScenario("described", (storage, _) =>
        {
            var simulated = (SimulatedStorage)storage;
            simulated.CallDescription = "creat(log) in pid 7";
            using var file = simulated.Open("log", new MappedFileOptions { Length = Page });
            simulated.CallDescription = null;
            file.FlushFile();
        }, (_, context) =>
        {
            names[context.CrashPointIndex] = context.CrashPointName;
            return CheckResult.Ok;
        }, verdictDependsOnCrashPoint: true);
        new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { CrashKinds = [CrashKind.ProcessCrash] }).Explore(scenario);

        Assert.Equal("#0 before creat(log) in pid 7", names[0]);
        Assert.StartsWith("#1 before FlushFile(", names[1], StringComparison.Ordinal);
        Assert.StartsWith("#2 after FlushFile(", names[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Crash_points_before_the_end_of_setup_are_not_explored()
    {
        var checkedAt = new System.Collections.Concurrent.ConcurrentBag<int>();
        var scenario = new DelegateScenario("setup", (storage, _) =>
        {
            var simulated = (SimulatedStorage)storage;
            using (var initial = simulated.Open("initial", new MappedFileOptions { Length = Page }))
            {
                initial.FlushFile();
            }
            simulated.FlushDirectory();
            simulated.EndSetup();
            using var file = simulated.Open("initial", new MappedFileOptions { Mode = FileMode.Open });
            file.Write(0, "x"u8);
            file.Flush(0, Page);
        }, (_, context) =>
        {
            checkedAt.Add(context.CrashPointIndex);
            return CheckResult.Ok;
        }, verdictDependsOnCrashPoint: true);
        var record = CrashExplorer.Record(scenario);
        var report = new CrashExplorer(KernelModel.Linux3_16Range).Explore(record, scenario);

        Assert.Equal(3, record.FirstExploredCrashPoint); // Open, FlushFile, FlushDirectory
        Assert.Equal([3, 4, 5, 6], checkedAt.Distinct().Order());
        Assert.Equal(record.CrashPointCount, report.CrashPoints);
    }

    [Fact]
    public void Initial_state_calls_are_set_up_and_the_model_call_override_is_restored()
    {
        ModelCall? insideSetUp = ModelCall.Sync;
        var scenario = new DelegateScenario("initial", (storage, acknowledged) =>
        {
            var simulated = (SimulatedStorage)storage;
            simulated.ModelCall = ModelCall.Fdatasync;
            simulated.SetUpInitialState(() =>
            {
                insideSetUp = simulated.ModelCall;
                using var initial = simulated.Open("a", new MappedFileOptions { Length = Page });
                initial.Write(0, "x"u8);
                initial.FlushFile();
                simulated.FlushDirectory();
            });
            Assert.Equal(ModelCall.Fdatasync, simulated.ModelCall);
            simulated.EndSetup();
            using var file = simulated.Open("a", new MappedFileOptions { Mode = FileMode.Open });
            file.FlushFile();
            simulated.ModelCall = null;
            acknowledged.Add(1);
        }, (recovered, _) =>
        {
            using var file = recovered.Open("a", new MappedFileOptions { Mode = FileMode.Open });
            var first = new byte[1];
            file.Read(0, first);
            return first[0] == (byte)'x' ? CheckResult.Ok : CheckResult.Fail("a lost its initial byte");
        });
        var record = CrashExplorer.Record(scenario);
        var report = new CrashExplorer(KernelModel.Linux3_16Range).Explore(record, scenario);

        Assert.Null(insideSetUp); // the initial-state marker is not a ModelCall member, so it reads as no override
        Assert.Null(record.ModelCallOf(2)); // the set-up's FlushFile: durable by definition, no program call
        Assert.Equal(ModelCall.Fdatasync, record.ModelCallOf(record.CallCount - 1));
        Assert.True(report.Passed, string.Join("; ", report.Failures.Select(f => f.Message)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedStorage().ModelCall = (ModelCall)99);
    }

    [Fact]
    public void A_linked_name_is_durable_once_its_directory_is_flushed()
    {
        var scenario = new DelegateScenario("link", (storage, _) =>
        {
            var simulated = (SimulatedStorage)storage;
            using (var file = simulated.Open("a", new MappedFileOptions { Length = Page }))
            {
                file.Write(0, "x"u8);
                file.FlushFile();
            }
            simulated.FlushDirectory();
            simulated.Link("a", "b");
            simulated.FlushDirectory();
        }, (_, _) => CheckResult.Ok);
        var record = CrashExplorer.Record(scenario);
        var last = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount)
            .Select(image => string.Join(" ", image.Keys.Order(StringComparer.Ordinal))).Distinct().ToList();
        var beforeFlush = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount - 1)
            .Select(image => string.Join(" ", image.Keys.Order(StringComparer.Ordinal))).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["a b"], last);
        Assert.Equal(["a", "a b"], beforeFlush);
    }
}
