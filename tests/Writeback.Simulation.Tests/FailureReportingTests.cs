using System.Text.Json;
using Writeback.Simulation.Examples;

namespace Writeback.Simulation.Tests;

/// <summary>Storage faults, and what a report says when the workload or the checker throws.</summary>
public sealed class FailureReportingTests
{
    private const int Page = 4096;

    [Fact]
    public void An_injected_fault_fails_the_chosen_durability_call_and_poisons_the_file_as_MappedFile_does()
    {
        var storage = new SimulatedStorage(4096, new StorageFaults { FailingCalls = [1], Errno = InjectedErrno.ENOSPC });
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 2 * Page });
        file.Write(0, [1]);
        file.Flush(0, 1);                                               // durability call 0 succeeds
        WritebackException failure = Assert.Throws<WritebackException>(() => file.Flush(Page, 1)); // durability call 1 fails
        Assert.Equal(28, failure.Errno);
        Assert.Equal("msync", failure.Operation);
        Assert.Equal(Page, failure.Offset);
        Assert.Equal(Page, failure.Length);
        WritebackException repeat = Assert.Throws<WritebackException>(file.FlushFile);     // poisoned: the original error again
        Assert.Same(failure, repeat.InnerException);
        Assert.Throws<WritebackException>(() => file.StartWriteback(0, 1));
        Assert.Throws<WritebackException>(() => file.FlushAsync(0, 1).GetAwaiter().GetResult());
        Assert.Throws<ArgumentOutOfRangeException>(() => file.Flush(0, 3 * Page)); // ranges are checked first
        using IMappedFile reopened = storage.Open("f", new MappedFileOptions { Mode = FileMode.Open });
        reopened.Flush(0, Page);                                        // a new handle is not poisoned
    }

    [Fact]
    public void A_retry_after_a_failed_flush_does_not_make_the_failed_pages_durable()
    {
        BundledScenario retry = BundledScenarios.FlushFailureRetry;
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { StorageFaults = retry.Faults }).Explore(retry.Scenario);
        CrashFailure failure = report.Failures.First(f => f.Kind == CrashKind.PowerLoss && f.StorageFault is not null);
        Assert.Contains("failed with EIO", failure.StorageFault, StringComparison.Ordinal);
        Assert.Contains("--fail-durability-call", failure.Reproduce, StringComparison.Ordinal);
        Assert.Equal(report.Runs - 1, CrashExplorer.Record(retry.Scenario).DurabilityCallCount);
        BundledScenario stop = BundledScenarios.FlushFailureStop;
        Assert.True(new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { StorageFaults = stop.Faults }).Explore(stop.Scenario).Passed);
    }

    [Fact]
    public void A_workload_exception_names_the_scenario_and_the_call_and_keeps_the_stack()
    {
        var scenario = new DelegateScenario("throws", (storage, _) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Page });
            file.Write(0, [1]);
            throw new InvalidOperationException("workload bug");
        });
        ScenarioRunException exception = Assert.Throws<ScenarioRunException>(() => new CrashExplorer(KernelModel.Linux3_16Range).Explore(scenario));
        Assert.Equal("throws", exception.ScenarioName);
        Assert.Equal(2, exception.CallIndex);
        Assert.Contains("'throws'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("#1 Write(f, offset=0, length=1)", exception.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(exception.InnerException);
        Assert.Contains(nameof(A_workload_exception_names_the_scenario_and_the_call_and_keeps_the_stack), exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_checker_exception_keeps_its_stack_in_the_json_report()
    {
        var scenario = new DelegateScenario("checker-throws", (storage, _) => storage.Open("f", new MappedFileOptions { Length = Page }).Dispose(),
            (_, _) => throw new InvalidDataException("recovery bug"));
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { CrashKinds = [CrashKind.ProcessCrash] }).Explore(scenario);
        CrashFailure failure = report.Failures[0];
        Assert.Contains("InvalidDataException: recovery bug", failure.Message, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(report.ToJson());
        string? text = json.RootElement.GetProperty("failures")[0].GetProperty("checkerException").GetString();
        Assert.Contains(nameof(A_checker_exception_keeps_its_stack_in_the_json_report), text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scenario_whose_verdict_depends_on_the_crash_point_gets_verdicts_per_crash_point()
    {
        // Identical images at every crash point; the declaring checker fails only at crash point 3.
        static DelegateScenario Scenario(bool dependsOnCrashPoint) => new("crash-point", (storage, _) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Page });
            file.FlushFile();
            for (int call = 0; call < 4; call++)
            {
                file.Flush(0, Page);
            }
        }, (_, context) => dependsOnCrashPoint && context.CrashPointIndex == 3 ? CheckResult.Fail("crash point 3") : CheckResult.Ok,
           verdictDependsOnCrashPoint: dependsOnCrashPoint);
        var options = new ExplorerOptions { CrashKinds = [CrashKind.ProcessCrash] };
        CrashReport declaring = new CrashExplorer(KernelModel.Linux3_16Range, options).Explore(Scenario(dependsOnCrashPoint: true));
        Assert.Equal(3, Assert.Single(declaring.Failures).CrashPointIndex);
        CrashReport notDeclaring = new CrashExplorer(KernelModel.Linux3_16Range, options).Explore(Scenario(dependsOnCrashPoint: false));
        Assert.True(notDeclaring.Passed);
        Assert.True(notDeclaring.StatesChecked < declaring.StatesChecked, $"{notDeclaring.StatesChecked} vs {declaring.StatesChecked}");
    }

    [Fact]
    public void The_checker_is_told_the_model_the_crash_kind_and_the_crash_points_name()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<CrashContext>();
        var scenario = new DelegateScenario("context", (storage, _) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Page });
            file.Write(0, [1]);
            file.Flush(0, Page);
        }, (_, context) =>
        {
            seen.Add(context);
            return CheckResult.Ok;
        }, verdictDependsOnCrashPoint: true);
        var options = new ExplorerOptions { CrashKinds = [CrashKind.PowerLoss] };
        CrashReport report = new CrashExplorer(KernelModel.MsAsyncStartsIo, options).Explore(scenario);

        Assert.All(seen, c => Assert.Same(KernelModel.MsAsyncStartsIo, c.Model));
        Assert.All(seen, c => Assert.Equal(CrashKind.PowerLoss, c.Kind));
        Assert.All(seen, c => Assert.StartsWith($"#{c.CrashPointIndex} ", c.CrashPointName, StringComparison.Ordinal));
        CrashContext flush = seen.First(c => c.CrashPointIndex == 2);
        Assert.Equal(3, report.CallCount); // Open, Write, Flush
        Assert.Equal("#2 before " + CrashExplorer.Record(scenario).DescribeCall(2), flush.CrashPointName);
        Assert.Contains("Flush", flush.CrashPointName, StringComparison.Ordinal);
        Assert.StartsWith("#3 after ", seen.First(c => c.CrashPointIndex == 3).CrashPointName, StringComparison.Ordinal);
    }
}
