using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Writeback;

/// <summary>
/// The library's instruments, on the meter named <see cref="MeterName"/>. Every instrument is
/// tagged with <c>operation</c> (the system call or API call). Nothing is recorded, and nothing
/// allocated, while no listener is attached: every call site checks <see cref="Instrument.Enabled"/>.
/// </summary>
public static class WritebackMetrics
{
    /// <summary>The meter's name, <c>Writeback</c>.</summary>
    public const string MeterName = "Writeback";

    private static readonly Meter s_meter = new(MeterName, typeof(WritebackMetrics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Flushes = s_meter.CreateCounter<long>(
        "writeback.flush.count", "{call}", "Durability calls that returned successfully (msync, fsync).");

    internal static readonly Counter<long> FlushedBytes = s_meter.CreateCounter<long>(
        "writeback.flush.bytes", "By", "Bytes of page-rounded ranges passed to successful msync calls.");

    internal static readonly Histogram<double> FlushDuration = s_meter.CreateHistogram<double>(
        "writeback.flush.duration", "s", "Time spent in each durability system call.");

    internal static readonly Counter<long> WritebackStarts = s_meter.CreateCounter<long>(
        "writeback.writeback_start.count", "{call}", "Writeback starts (sync_file_range(SYNC_FILE_RANGE_WRITE), through io_uring or the fallback pool) that completed.");

    internal static readonly Counter<long> Errors = s_meter.CreateCounter<long>(
        "writeback.error.count", "{error}", "Failed system calls.");

    internal static readonly Histogram<long> DirtyOutsideRange = s_meter.CreateHistogram<long>(
        "writeback.dirty_outside_range.pages", "{page}", "Dirty pages of a file outside the range a flush covered (ReportDirtyOutsideRange).");

    internal static readonly Histogram<long> GroupCommitRequests = s_meter.CreateHistogram<long>(
        "writeback.group_commit.requests", "{request}", "FlushAsync requests completed by one group commit (the group size).");

    /// <summary>Records one completed FlushAsync group of <paramref name="requestCount"/> requests.</summary>
    internal static void RecordGroup(long requestCount)
    {
        if (GroupCommitRequests.Enabled)
        {
            GroupCommitRequests.Record(requestCount);
        }
    }

    /// <summary>Returns a timestamp when the duration histogram has a listener, else 0.</summary>
    internal static long StartTiming() => FlushDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records a successful durability call.</summary>
    internal static void RecordFlush(string operation, long bytes, long startTimestamp)
    {
        var tag = new KeyValuePair<string, object?>("operation", operation);
        if (Flushes.Enabled)
        {
            Flushes.Add(1, tag);
        }
        if (bytes > 0 && FlushedBytes.Enabled)
        {
            FlushedBytes.Add(bytes, tag);
        }
        if (startTimestamp != 0 && FlushDuration.Enabled)
        {
            FlushDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tag);
        }
    }

    /// <summary>Records a failed system call.</summary>
    internal static void RecordError(string operation)
    {
        if (Errors.Enabled)
        {
            Errors.Add(1, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    /// <summary>Records one background sync_file_range call.</summary>
    internal static void RecordWritebackStart()
    {
        if (WritebackStarts.Enabled)
        {
            WritebackStarts.Add(1, new KeyValuePair<string, object?>("operation", "sync_file_range"));
        }
    }
}
