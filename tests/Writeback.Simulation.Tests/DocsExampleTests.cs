using MyApp;

namespace Writeback.Simulation.Tests;

/// <summary>The usage example of docs/crash-testing.md, compiled and run; <see cref="DocsTests"/> keeps the doc's copy equal to the region below.</summary>
public sealed class DocsExampleTests
{
    [Fact]
    public void The_documented_usage_runs_and_finds_what_the_doc_says()
    {
        #region usage
        // Explore one scenario under today's Linux semantics, all three crash kinds, 512-byte sectors.
        var options = new ExplorerOptions { AtomicWriteBytes = 512, Seed = 42 };
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, options).Explore(new HeaderBarrierLog());
        Console.WriteLine($"{report.Scenario} under {report.Model.Name}: {report.StatesChecked} states, seed {report.Seed}");
        foreach (CrashFailure? failure in report.Failures.Take(3))
        {
            Console.WriteLine($"{failure.Kind} before #{failure.CrashPointIndex} {failure.Call}: {failure.Message}");
            Console.WriteLine($"  shrunk ({failure.ShrunkBase}): {string.Join("; ", failure.ShrunkDeviations!)}");
            Console.WriteLine($"  reproduce: {failure.Reproduce}");
        }
        File.WriteAllText("header-barrier-log.json", report.ToJson());   // byte-identical for the same seed

        // Does the program depend on the pre-3.16 whole-file msync?
        DifferentialReport diff = CrashExplorer.Compare(KernelModel.Linux2_6_19To3_15WholeFile, KernelModel.Linux3_16Range,
                                         new HeaderBarrierLog(), options);
        Console.WriteLine($"{diff.CandidateOnlyFailures.Count} failures only since 3.16, {diff.BaselineOnlyFailures.Count} only before");
        #endregion

        Assert.False(report.Passed);
        Assert.NotEmpty(diff.CandidateOnlyFailures);
        Assert.Empty(diff.BaselineOnlyFailures);
        Assert.True(File.Exists("header-barrier-log.json"));
    }

    [Fact]
    public void The_documented_scenario_behaves_as_the_doc_says_correct_only_under_whole_file_msync()
    {
        var options = new ExplorerOptions { Seed = 42 };
        Assert.True(new CrashExplorer(KernelModel.Linux2_6_19To3_15WholeFile, options).Explore(new HeaderBarrierLog()).Passed);
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, options).Explore(new HeaderBarrierLog());
        Assert.DoesNotContain(report.Failures, f => f.Kind == CrashKind.ProcessCrash);
        Assert.Contains(report.Failures, f => f.Kind == CrashKind.KernelCrash && f.Message.Contains("is not on disk", StringComparison.Ordinal));
    }
}
