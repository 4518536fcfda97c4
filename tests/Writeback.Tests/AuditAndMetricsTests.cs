using System.Diagnostics.Metrics;

namespace Writeback.Tests;

/// <summary>Tests that attach meter listeners or count allocations; not run in parallel with each other.</summary>
[Collection(nameof(AuditAndMetricsTests))]
public sealed class AuditAndMetricsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [SkippableFact]
    public void RangeFlushReportsDirtyPagesOutsideTheRange()
    {
        using var file = MappedFile.Open(_directory.File("audit.bin"),
            new MappedFileOptions { Length = 32 * 4096, ReportDirtyOutsideRange = true });
        Kernel.SkipUnlessDirtyPagesVisible(file);
        int page = file.PageSize;
        var reports = new List<DirtyOutsideRangeEventArgs>();
        file.DirtyPagesOutsideRange += (_, e) => reports.Add(e);
        Assert.True(Kernel.Eventually(3, () =>
        {
            reports.Clear();
            Kernel.Dirty(file, 0, file.Length, 4);
            file.Flush(4 * page, page);
            DirtyOutsideRangeEventArgs report = Assert.Single(reports);
            Assert.Equal((file.Path, 4L * page, (long)page), (report.Path, report.FlushedOffset, report.FlushedLength));
            Assert.InRange(report.DirtyPagesOutside, 0, 31);
            return report.DirtyPagesOutside > 0;
        }), "no dirty page outside the flushed range was reported");

        file.FlushFile();
        file.Flush(0, page);
        Assert.Equal(0, reports[^1].DirtyPagesOutside);
    }

    [Fact]
    public async Task AThrowingAuditHandlerDoesNotFailAGroupCommit()
    {
        using var file = MappedFile.Open(_directory.File("handler.bin"),
            new MappedFileOptions { Length = 8 * 4096, ReportDirtyOutsideRange = true });
        int raised = 0;
        file.DirtyPagesOutsideRange += (_, _) =>
        {
            Interlocked.Increment(ref raised);
            throw new InvalidOperationException("handler bug");
        };
        await file.FlushAsync(0, 4096).WaitAsync(TimeSpan.FromSeconds(60));
        await file.FlushAsync(4096, 4096).WaitAsync(TimeSpan.FromSeconds(60)); // the flusher thread survived
        Assert.Equal(2, raised);
        Assert.Throws<InvalidOperationException>(() => file.Flush(0, 1)); // synchronous: the caller sees it
        Assert.False(file.IsPoisoned);
    }

    [Fact]
    public async Task DisposingFromAHandlerOnTheFlusherThreadDoesNotDeadlock()
    {
        var file = MappedFile.Open(_directory.File("self-dispose.bin"),
            new MappedFileOptions { Length = 8 * 4096, ReportDirtyOutsideRange = true });
        file.DirtyPagesOutsideRange += (_, _) => file.Dispose();
        await file.FlushAsync(0, 4096).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Throws<ObjectDisposedException>(() => file.Flush());
    }

    [Fact]
    public void MetricsCountFlushesBytesDurationsWritebackStartsAndErrors()
    {
        var measurements = new List<(string Instrument, double Value, string? Operation)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WritebackMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? operation = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "operation")
                {
                    operation = tag.Value as string;
                }
            }
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, operation));
            }
        }
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        string path = _directory.File("metrics.bin");
        using (var file = MappedFile.Open(path, new MappedFileOptions { Length = 8 * 4096 }))
        {
            file.Flush(0, 3 * 4096);
            file.FlushFile();
            file.StartWriteback(0, 4096);
        } // Dispose drains the writer
        using (var failing = MappedFile.Open(path, null, new FaultInjector().Fail(Native.SystemCalls.MSync, 5)))
        {
            Assert.Throws<WritebackException>(() => failing.Flush());
        }
        lock (measurements)
        {
            Assert.Contains(("writeback.flush.count", 1.0, "msync"), measurements);
            Assert.Contains(("writeback.flush.bytes", 3.0 * 4096, "msync"), measurements);
            Assert.Contains(("writeback.flush.count", 1.0, "fsync"), measurements);
            Assert.Contains(measurements, m => m.Instrument == "writeback.flush.duration" && m.Operation == "fsync" && m.Value >= 0);
            Assert.Contains(("writeback.writeback_start.count", 1.0, "sync_file_range"), measurements);
            Assert.Contains(("writeback.error.count", 1.0, "msync"), measurements);
        }
    }

    [Fact]
    public void RangeFlushAndStartWritebackDoNotAllocate()
    {
        using var file = MappedFile.Open(_directory.File("alloc.bin"), new MappedFileOptions { Length = 64 * 4096 });
        for (int i = 0; i < 3; i++) // warm up: JIT, the writer thread, the lock's sync block
        {
            file.GetSpan(i * 4096, 8).Fill(1);
            file.Flush(i * 4096, 8);
            file.StartWriteback(i * 4096, 8);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            file.GetSpan(i * 4096, 8).Fill(2);
            file.Flush(i * 4096, 8);
            file.StartWriteback(i * 4096, 4096);
            file.Flush();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
