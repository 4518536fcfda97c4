using Writeback.LossyFs.Tests.Mounted;
using Writeback.LossyFs.Tests.Programs;
using Writeback.Simulation;
using Writeback.Simulation.Examples;
using Xunit.Abstractions;

namespace Writeback.LossyFs.Tests.Fidelity;

/// <summary>
/// Model fidelity: each bundled example scenario runs on LossyFs on the real kernel, through
/// <see cref="DirectoryStorage"/> and <see cref="MappedFile"/>, stopped before each of its calls in
/// turn and crashed (keep none, and keep random torn at 512 bytes). Every real post-crash image must
/// be one the simulator's <see cref="KernelModel.Linux3_16Range"/> model allows at that crash point
/// for <see cref="CrashKind.PowerLoss"/>, and every real checker failure must be one the simulator
/// also reports there.
/// </summary>
/// <remarks>
/// Why PowerLoss: a LossyFs crash discards the kernel's dirty pages (the FUSE connection is
/// aborted) and also the writes LossyFs received but no fsync made durable. Those are the
/// simulator's in-flight and device-cache states (research 7.1): a kernel crash keeps the device
/// cache, a power loss does not, and only a power loss tears writes at the atomic unit, which is
/// what <c>--keep random --atomic-write-bytes 512</c> does.
/// </remarks>
[Collection(Programs.ProgramsCollection.Name)]
public sealed class ModelFidelityTests(ITestOutputHelper output)
{
    private const int AtomicWriteBytes = 512;
    private const ulong KeepRandomSeedBase = 7_000;

    public static TheoryData<string> ScenarioNames => new(BundledScenarios.All.Select(b => b.Scenario.Name));

    [SkippableTheory]
    [MemberData(nameof(ScenarioNames))]
    public void RealImages_AreAllowedByLinux3_16Range_AndRealFailuresAreSimulated(string scenarioName)
    {
        Skip.If(TestMount.Unavailable() is not null, TestMount.Unavailable());
        ICrashScenario scenario = BundledScenarios.All.Single(b => b.Scenario.Name == scenarioName).Scenario;
        SimulationRecord record = CrashExplorer.Record(scenario);
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions
        {
            CrashKinds = [CrashKind.PowerLoss],
            AtomicWriteBytes = AtomicWriteBytes,
            Shrink = false,
        }).Explore(record, scenario);
        ILookup<int, string> simulatedFailures = report.Failures.ToLookup(f => f.CrashPointIndex, f => f.Message);
        output.WriteLine($"{scenarioName}: {record.CrashPointCount} crash points; the simulator reports power-loss failures at [{string.Join(", ", simulatedFailures.Select(g => g.Key))}]");

        var mismatches = new List<string>();
        int realFailures = 0;
        for (int crashPointIndex = 0; crashPointIndex < record.CrashPointCount; crashPointIndex++)
        {
            foreach (LossyFsCrash? crash in new[] { LossyFsCrash.KeepNone, LossyFsCrash.KeepRandom(KeepRandomSeedBase + (ulong)crashPointIndex) })
            {
                var real = RealCrashOutcome.Run(scenario, crashPointIndex, crash);
                string where = $"crash point {crashPointIndex} ({record.DescribeCrashPoint(crashPointIndex)}), {crash}";
                if (!real.Acknowledged.SequenceEqual(record.AcknowledgedAt(crashPointIndex)))
                {
                    mismatches.Add($"{where}: the real run acknowledged [{string.Join(", ", real.Acknowledged)}], the record [{string.Join(", ", record.AcknowledgedAt(crashPointIndex))}]");
                }
                if (!record.Allows(KernelModel.Linux3_16Range, CrashKind.PowerLoss, crashPointIndex, AtomicWriteBytes, real.Image, out string? reason))
                {
                    mismatches.Add($"{where}: real image not allowed by Linux3_16Range/PowerLoss: {reason}");
                }
                if (!real.Check.Passed)
                {
                    realFailures++;
                    var simulated = simulatedFailures[crashPointIndex].ToList();
                    output.WriteLine($"{where}: real checker failed: {real.Check.Message}; simulator: {(simulated.Count == 0 ? "no failure" : string.Join(" | ", simulated))}");
                    if (simulated.Count == 0)
                    {
                        mismatches.Add($"{where}: the real checker failed ({real.Check.Message}) but the simulator reports no failure there");
                    }
                }
            }
        }
        output.WriteLine($"{scenarioName}: {2 * record.CrashPointCount} real crashes, {realFailures} real checker failures, {mismatches.Count} mismatches");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }
}
