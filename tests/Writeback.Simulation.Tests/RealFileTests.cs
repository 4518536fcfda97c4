using Writeback.Simulation.Examples;

namespace Writeback.Simulation.Tests;

/// <summary>
/// The bundled scenarios on real memory-mapped files (<see cref="DirectoryStorage"/>): the same
/// workload runs unchanged, <see cref="CallLimitedStorage"/> stops it at a crash point, and what it
/// left on disk is an image the model allows there for a process crash (the page cache survives,
/// and the files read back through it).
/// </summary>
public sealed class RealFileTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("writeback-sim-");

    public static TheoryData<string> Scenarios() => [.. BundledScenarios.All.Select(b => b.Scenario.Name)];

    [SkippableTheory]
    [MemberData(nameof(Scenarios))]
    public void A_workload_stopped_at_a_crash_point_leaves_an_image_the_model_allows(string scenarioName)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "DirectoryStorage maps files with the Linux system calls");
        ICrashScenario scenario = BundledScenarios.All.Single(b => b.Scenario.Name == scenarioName).Scenario;
        SimulationRecord record = CrashExplorer.Record(scenario);
        foreach (int stopBeforeCall in new[] { 1, record.CallCount * 2 / 3, record.CallCount - 1 })
        {
            string directory = _root.CreateSubdirectory($"{scenarioName}-{stopBeforeCall}").FullName;
            var limited = new CallLimitedStorage(new DirectoryStorage(directory), stopBeforeCall);
            Assert.Throws<CrashPointReachedException>(() => scenario.Run(limited, new Acknowledgements()));
            Dictionary<string, byte[]> image = Directory.GetFiles(directory).ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes);
            Assert.True(record.Allows(KernelModel.Linux3_16Range, CrashKind.ProcessCrash, stopBeforeCall, 4096, image, out string? reason),
                $"{scenarioName} stopped before call {stopBeforeCall} ({record.DescribeCall(stopBeforeCall)}): {reason}");
            CheckResult checker = scenario.Check(new DirectoryStorage(directory),
                new CrashContext(CrashKind.ProcessCrash, stopBeforeCall, record.AcknowledgedAt(stopBeforeCall)));
            Assert.True(checker.Passed, checker.Message);
        }
    }

    [SkippableFact]
    public void An_image_from_a_different_crash_point_is_not_allowed()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "DirectoryStorage maps files with the Linux system calls");
        ICrashScenario scenario = BundledScenarios.WriteAheadLog.Scenario;
        SimulationRecord record = CrashExplorer.Record(scenario);
        string directory = _root.CreateSubdirectory("wal-complete").FullName;
        scenario.Run(new DirectoryStorage(directory), new Acknowledgements());
        Dictionary<string, byte[]> image = Directory.GetFiles(directory).ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes);
        Assert.True(record.Allows(KernelModel.Linux3_16Range, CrashKind.ProcessCrash, record.CallCount, 4096, image, out string? reason), reason);
        Assert.False(record.Allows(KernelModel.Linux3_16Range, CrashKind.ProcessCrash, record.CallCount - 2, 4096, image, out reason));
        Assert.Contains("'wal.bin' page 0", reason, StringComparison.Ordinal);
    }

    public void Dispose() => _root.Delete(recursive: true);
}
