namespace Writeback.Simulation.Tests;

/// <summary>
/// <see cref="IMappedFile.FlushAsync"/> is in flight from the call until the program observes its
/// completion: a crash in that window may or may not keep the range, so acknowledging before waiting
/// is caught under every model that promises the flush, and acknowledging after waiting passes.
/// </summary>
public sealed class FlushAsyncTests
{
    private const int Page = 4096;

    /// <summary>Writes one marked page, flushes it with FlushAsync and acknowledges 1 either before or after waiting, in the way <paramref name="commit"/> says.</summary>
    private static DelegateScenario Scenario(string name, Action<IMappedFile, Acknowledgements> commit) => new(name, (storage, acknowledged) =>
    {
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Page });
        storage.FlushDirectory();
        file.FlushFile();
        file.Write(0, [0x5A]);
        commit(file, acknowledged);
    }, (recovered, context) =>
    {
        byte[] marker = new byte[1];
        if (recovered.Exists("f"))
        {
            using IMappedFile file = recovered.Open("f", new MappedFileOptions { Mode = FileMode.Open });
            file.Read(0, marker.AsSpan(0, (int)Math.Min(file.Length, 1)));
        }
        return context.Acknowledged.Count > 0 && marker[0] != 0x5A ? CheckResult.Fail("acknowledged record lost") : CheckResult.Ok;
    });

    private static async Task AwaitThenAcknowledge(IMappedFile file, Acknowledgements acknowledged)
    {
        await file.FlushAsync(0, Page);
        acknowledged.Add(1);
    }

    private static async Task AcknowledgeThenAwait(IMappedFile file, Acknowledgements acknowledged)
    {
        Task flush = file.FlushAsync(0, Page);
        acknowledged.Add(1);
        await flush;
    }

    public static TheoryData<string> Correct() => ["wait", "await", "continuation"];

    public static TheoryData<string> Wrong() => ["ack-then-wait", "ack-then-await", "never-waits", "worker-acks-then-waits"];

    private static DelegateScenario Named(string name) => name switch
    {
        "wait" => Scenario(name, (file, acknowledged) =>
        {
            file.FlushAsync(0, Page).Wait();
            acknowledged.Add(1);
        }),
        "await" => Scenario(name, (file, acknowledged) => AwaitThenAcknowledge(file, acknowledged).GetAwaiter().GetResult()),
        "continuation" => Scenario(name, (file, acknowledged) =>
            file.FlushAsync(0, Page).ContinueWith(_ => acknowledged.Add(1), TaskScheduler.Default).Wait()),
        "ack-then-wait" => Scenario(name, (file, acknowledged) =>
        {
            Task flush = file.FlushAsync(0, Page);
            acknowledged.Add(1);
            flush.Wait();
        }),
        "ack-then-await" => Scenario(name, (file, acknowledged) => AcknowledgeThenAwait(file, acknowledged).GetAwaiter().GetResult()),
        "worker-acks-then-waits" => Scenario(name, (file, acknowledged) => Task.Run(() =>
        {
            Task flush = file.FlushAsync(0, Page);
            var busy = System.Diagnostics.Stopwatch.StartNew();
            while (busy.ElapsedMilliseconds < 20)
            {
                // Work on the worker (not a wait) while the program thread is blocked in Wait.
            }
            acknowledged.Add(1);
            flush.Wait();
        }).Wait()),
        _ => Scenario(name, (file, acknowledged) =>
        {
            _ = file.FlushAsync(0, Page);
            acknowledged.Add(1);
        }),
    };

    [Theory]
    [MemberData(nameof(Correct))]
    public void Acknowledging_after_the_program_observed_completion_passes(string name)
    {
        // Under every model whose range flush is durable at the crash kind (as for Flush(offset, length)).
        foreach (KernelModel? model in new[] { KernelModel.Linux3_16Range, KernelModel.Linux2_6_19To3_15WholeFile, KernelModel.WindowsFlushViewAndBuffers })
        {
            CrashReport report = new CrashExplorer(model).Explore(Named(name));
            Assert.True(report.Passed, $"{model}: " + string.Join("\n", report.Failures.Select(f => $"{f.Kind} #{f.CrashPointIndex} {f.Call}: {f.Message}")));
        }
        CrashReport macOs = new CrashExplorer(KernelModel.MacOsMsyncWithoutFullFsync, new ExplorerOptions { CrashKinds = [CrashKind.ProcessCrash, CrashKind.KernelCrash] }).Explore(Named(name));
        Assert.True(macOs.Passed);
    }

    [Theory]
    [MemberData(nameof(Wrong))]
    public void Acknowledging_before_completion_is_caught_at_kernel_crash_and_power_loss(string name)
    {
        foreach (KernelModel model in KernelModel.All)
        {
            CrashReport report = new CrashExplorer(model).Explore(Named(name));
            Assert.Contains(report.Failures, f => f.Kind == CrashKind.KernelCrash);
            Assert.Contains(report.Failures, f => f.Kind == CrashKind.PowerLoss);
            Assert.DoesNotContain(report.Failures, f => f.Kind == CrashKind.ProcessCrash);
        }
    }

    [Fact]
    public void Start_and_completion_are_separate_steps_and_only_after_completion_is_the_range_guaranteed()
    {
        SimulationRecord record = CrashExplorer.Record(Named("wait"));
        int started = Enumerable.Range(0, record.CallCount).Single(i => record.DescribeCall(i).EndsWith(" started", StringComparison.Ordinal));
        Assert.Equal("FlushAsync(f, offset=0, length=4096) started", record.DescribeCall(started));
        Assert.Equal("FlushAsync(f, offset=0, length=4096) completed", record.DescribeCall(started + 1));
        var options = new ExplorerOptions();
        // Between start and completion (crash point started + 1): both outcomes; after completion: only the new byte.
        Assert.Equal(new byte[] { 0, 0x5A }, MarkersAt(record, started + 1, options));
        Assert.Equal(new byte[] { 0x5A }, MarkersAt(record, started + 2, options));
        Assert.Single(record.AcknowledgedAt(record.CallCount));
        Assert.Empty(record.AcknowledgedAt(started + 1));
    }

    [Fact]
    public void A_flush_never_waited_for_completes_after_the_workload_and_the_acknowledgement_precedes_it()
    {
        SimulationRecord record = CrashExplorer.Record(Named("never-waits"));
        Assert.EndsWith(" completed", record.DescribeCall(record.CallCount - 1), StringComparison.Ordinal);
        Assert.Single(record.AcknowledgedAt(record.CallCount - 1));
    }

    private static byte[] MarkersAt(SimulationRecord record, int crashPointIndex, ExplorerOptions options) =>
        [.. CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, crashPointIndex, options)
            .Select(image => image["f"][0]).Distinct().Order()];

    [Fact]
    public void Many_awaited_flushes_record_in_order_and_pass()
    {
        var scenario = new DelegateScenario("many", (storage, acknowledged) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 64 * Page });
            file.FlushFile();
            storage.FlushDirectory();
            for (int record = 0; record < 200; record++)
            {
                file.Write(record * 64L, [(byte)(record + 1)]);
                file.FlushAsync(record * 64L, 64).GetAwaiter().GetResult();
                acknowledged.Add(record);
            }
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        SimulationRecord record = CrashExplorer.Record(scenario);
        TimeSpan elapsed = watch.Elapsed;
        Assert.Equal(3 + 200 * 3, record.CallCount);
        for (int index = 0; index < 200; index++)
        {
            Assert.EndsWith(" started", record.DescribeCall(4 + index * 3), StringComparison.Ordinal);
            Assert.EndsWith(" completed", record.DescribeCall(5 + index * 3), StringComparison.Ordinal);
        }
        Console.WriteLine($"recorded 200 awaited FlushAsync calls in {elapsed.TotalMilliseconds:F0} ms");
    }
}
