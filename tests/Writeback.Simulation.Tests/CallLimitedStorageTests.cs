using Writeback.Simulation.Examples;

namespace Writeback.Simulation.Tests;

public sealed class CallLimitedStorageTests
{
    public static TheoryData<string> Scenarios() => [.. BundledScenarios.All.Select(b => b.Scenario.Name)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void It_counts_the_calls_exactly_as_the_simulator_records_them(string scenarioName)
    {
        ICrashScenario scenario = BundledScenarios.All.Single(b => b.Scenario.Name == scenarioName).Scenario;
        SimulationRecord record = CrashExplorer.Record(scenario);
        var unlimited = new CallLimitedStorage(new SimulatedStorage(), int.MaxValue);
        scenario.Run(unlimited, new Acknowledgements());
        Assert.Equal(record.CallCount, unlimited.CallCount);

        foreach (int stopBeforeCall in new[] { 0, record.CallCount / 2, record.CallCount - 1 })
        {
            var inner = new SimulatedStorage();
            var limited = new CallLimitedStorage(inner, stopBeforeCall);
            CrashPointReachedException stopped = Assert.Throws<CrashPointReachedException>(() => scenario.Run(limited, new Acknowledgements()));
            Assert.Equal(stopBeforeCall, stopped.CrashPointIndex);
            Assert.Equal(record.DescribeCall(stopBeforeCall), stopped.Call);
            Assert.Equal(stopBeforeCall, limited.CallCount);
            Assert.Equal(stopBeforeCall, inner.CallCount);
        }
    }

    [Fact]
    public void A_stopped_workload_leaves_the_image_the_model_allows_at_that_crash_point()
    {
        ICrashScenario scenario = BundledScenarios.WriteAheadLog.Scenario;
        SimulationRecord record = CrashExplorer.Record(scenario);
        int stopBeforeCall = record.CallCount / 2;
        var inner = new SimulatedStorage();
        Assert.Throws<CrashPointReachedException>(() => scenario.Run(new CallLimitedStorage(inner, stopBeforeCall), new Acknowledgements()));
        // What the process left in memory is the process-crash image of that crash point.
        var image = new Dictionary<string, byte[]>();
        using (IMappedFile file = inner.Open("wal.bin", new MappedFileOptions { Mode = FileMode.Open }))
        {
            byte[] content = new byte[file.Length];
            file.Read(0, content);
            image.Add("wal.bin", content);
        }
        Assert.True(record.Allows(KernelModel.Linux3_16Range, CrashKind.ProcessCrash, stopBeforeCall, 4096, image, out string? reason), reason);
        Assert.False(record.Allows(KernelModel.Linux3_16Range, CrashKind.ProcessCrash, stopBeforeCall - 2, 4096, image, out _));
    }
}
