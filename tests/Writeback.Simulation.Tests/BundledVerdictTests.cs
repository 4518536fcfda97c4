using System.Collections.Concurrent;
using Writeback.Simulation.Examples;
using Xunit.Abstractions;

namespace Writeback.Simulation.Tests;

/// <summary>Every bundled scenario's actual verdict, per model, crash kind and atomic unit, equals its documented one.</summary>
public sealed class BundledVerdictTests(ITestOutputHelper output)
{
    private static readonly ConcurrentDictionary<string, SimulationRecord> Records = new();

    public static TheoryData<string, string, CrashKind, int> Cases()
    {
        var data = new TheoryData<string, string, CrashKind, int>();
        foreach (BundledScenario bundled in BundledScenarios.All)
        {
            foreach (KernelModel model in KernelModel.All)
            {
                foreach (CrashKind kind in Enum.GetValues<CrashKind>())
                {
                    foreach (int atomicWriteBytes in new[] { 512, 4096 })
                    {
                        data.Add(bundled.Scenario.Name, model.Name, kind, atomicWriteBytes);
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verdict_matches_the_documented_one(string scenarioName, string modelName, CrashKind kind, int atomicWriteBytes)
    {
        BundledScenario bundled = BundledScenarios.All.Single(b => b.Scenario.Name == scenarioName);
        Assert.True(KernelModel.TryParse(modelName, out KernelModel? model));
        var options = new ExplorerOptions { CrashKinds = [kind], AtomicWriteBytes = atomicWriteBytes, Seed = 7, Shrink = false };
        CrashReport report = bundled.Faults is { } faults
            ? new CrashExplorer(model, options with { StorageFaults = faults }).Explore(bundled.Scenario)
            : new CrashExplorer(model, options).Explore(Records.GetOrAdd(scenarioName, _ => CrashExplorer.Record(bundled.Scenario)), bundled.Scenario);
        output.WriteLine($"seed {options.Seed}: {report.StatesChecked} states, {report.Failures.Count} failing crash points");
        if (report.Failures.Count > 0)
        {
            output.WriteLine($"first: #{report.Failures[0].CrashPointIndex} {report.Failures[0].Call}: {report.Failures[0].Message}");
        }
        Assert.Equal(bundled.ExpectedToPass(model, kind, atomicWriteBytes), report.Passed);
    }
}
