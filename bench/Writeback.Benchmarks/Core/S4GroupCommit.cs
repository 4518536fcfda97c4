using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// S4: eight threads each appending 4 KiB records and waiting for FlushAsync (group commit) against
/// one thread appending and calling Flush(range); a sample is one run's commits per second. Raw
/// msync from eight threads is the second baseline (issue 19: group commit must reach it): it tells
/// how much of the gain is the library's merging rather than the kernel overlapping concurrent
/// msync calls (S2 has the one-thread raw figure). FlushAsync is measured twice: from eight threads
/// that block on each task (as the raw arm's threads block in msync), and from eight asynchronous
/// committers on the thread pool that await it, the use it is made for: a blocked thread needs a
/// futex wake-up per commit, an awaiting committer's continuation is queued to a pool thread that
/// is often already running. A third arm awaits on a file opened with
/// <see cref="MappedFileOptions.UnsafeInlineCompletions"/>: the continuation commits the next record
/// on the engine's completion thread, before the group it was in is finished.
/// </summary>
internal static class S4GroupCommit
{
    private const int RecordBytes = 4096;
    private const int ThreadCount = 8;

    public static ScenarioResult Run(CoreFlushOptions options, BenchWorkspace workspace)
    {
        int commitCount = options.Quick ? 240 : 1200;
        int rounds = options.RoundsOr(fullRounds: 24, quickRounds: 3);
        long fileBytes = (long)commitCount * RecordBytes;
        byte[] record = new byte[RecordBytes];
        record.AsSpan().Fill(0x3C);
        // One file for all arms, as in S1 (the arms run one after the other).
        string path = workspace.GetFile("s4.dat", fileBytes);
        using var asyncFile = MappedFile.Open(path, new MappedFileOptions { Mode = FileMode.Open });
        using var syncFile = MappedFile.Open(path, new MappedFileOptions { Mode = FileMode.Open });
        using var inlineFile = MappedFile.Open(path, new MappedFileOptions { Mode = FileMode.Open, UnsafeInlineCompletions = true });
        using var raw = new RawMapping(path);
        var arms = new List<Arm>
        {
            new($"MappedFile.FlushAsync, {ThreadCount} threads", _ => CommitsPerSecond(ThreadCount, commitCount, offsetBytes =>
            {
                asyncFile.Write(offsetBytes, record);
                asyncFile.FlushAsync(offsetBytes, RecordBytes).GetAwaiter().GetResult();
            })),
            new($"MappedFile.FlushAsync, {ThreadCount} async committers", _ => CommitsPerSecondAsync(ThreadCount, commitCount, async offsetBytes =>
            {
                asyncFile.Write(offsetBytes, record);
                await asyncFile.FlushAsync(offsetBytes, RecordBytes).ConfigureAwait(false);
            })),
            new($"MappedFile.FlushAsync, {ThreadCount} async committers, UnsafeInlineCompletions", _ => CommitsPerSecondAsync(ThreadCount, commitCount, async offsetBytes =>
            {
                inlineFile.Write(offsetBytes, record);
                await inlineFile.FlushAsync(offsetBytes, RecordBytes).ConfigureAwait(false);
            })),
            new("MappedFile.Flush(range), 1 thread", _ => CommitsPerSecond(1, commitCount, offsetBytes =>
            {
                syncFile.Write(offsetBytes, record);
                syncFile.Flush(offsetBytes, RecordBytes);
            })),
            new($"raw msync(range), {ThreadCount} threads", _ => CommitsPerSecond(ThreadCount, commitCount, offsetBytes => RawAppend(raw, offsetBytes, record))),
        };
        long groupCount = 0, groupedRequestCount = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WritebackMetrics.MeterName && instrument.Name == "writeback.group_commit.requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, requestCount, _, _) =>
        {
            Interlocked.Increment(ref groupCount);
            Interlocked.Add(ref groupedRequestCount, requestCount);
        });
        listener.Start();
        Dictionary<string, List<double>> samples = Interleaver.Run(arms, warmupRounds: 1, rounds);
        listener.Dispose();
        var measurements = arms.Select(a => new Measurement("S4", a.Name, $"{commitCount} commits of 4 KiB", "ops/s", samples[a.Name])).ToList();
        return new ScenarioResult(measurements,
        [
            new TargetCheck("S4", $"{ThreadCount} threads FlushAsync >= 3x commits/s of 1 thread Flush(range)", measurements[0].MedianRatioTo(measurements[3]), 3, "x", AtMost: false),
            new TargetCheck("S4", $"{ThreadCount} threads FlushAsync >= raw msync from {ThreadCount} threads (commits/s)", measurements[0].MedianRatioTo(measurements[4]), 1, "x", AtMost: false),
            new TargetCheck("S4", $"{ThreadCount} async committers FlushAsync >= raw msync from {ThreadCount} threads (commits/s)", measurements[1].MedianRatioTo(measurements[4]), 1, "x", AtMost: false),
            new TargetCheck("S4", $"{ThreadCount} async committers, inline completions >= raw msync from {ThreadCount} threads (commits/s)", measurements[2].MedianRatioTo(measurements[4]), 1, "x", AtMost: false),
        ],
        [$"S4: engine {MappedFile.DurabilityEngineName}; FlushAsync groups: {groupCount}, average group size {(double)groupedRequestCount / Math.Max(1, groupCount):F2} requests (metric writeback.group_commit.requests, warm-up included)."]);
    }

    /// <summary>
    /// As <see cref="CommitsPerSecond"/>, with <paramref name="committerCount"/> asynchronous
    /// committers on the thread pool that await each commit (how FlushAsync is meant to be used)
    /// instead of threads that block on it.
    /// </summary>
    private static double CommitsPerSecondAsync(int committerCount, int commitCount, Func<long, Task> commitRecordAt)
    {
        long nextOffsetBytes = 0L;
        long endBytes = (long)commitCount * RecordBytes;
        long startTimestamp = Stopwatch.GetTimestamp();
        Task[] committers = Enumerable.Range(0, committerCount).Select(_ => Task.Run(async () =>
        {
            long offsetBytes;
            while ((offsetBytes = Interlocked.Add(ref nextOffsetBytes, RecordBytes) - RecordBytes) < endBytes)
            {
                await commitRecordAt(offsetBytes).ConfigureAwait(false);
            }
        })).ToArray();
        Task.WaitAll(committers);
        return commitCount / Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
    }

    private static void RawAppend(RawMapping raw, long offsetBytes, byte[] record)
    {
        record.CopyTo(raw.GetSpan(offsetBytes, RecordBytes));
        raw.MSync(offsetBytes, RecordBytes);
    }

    /// <summary>
    /// Runs <paramref name="threadCount"/> threads that take the next free record offset (an
    /// append) until <paramref name="commitCount"/> records are committed; returns commits per
    /// second from the moment all threads are released to the moment the last one finishes.
    /// </summary>
    private static double CommitsPerSecond(int threadCount, int commitCount, Action<long> commitRecordAt)
    {
        long nextOffsetBytes = 0L;
        long endBytes = (long)commitCount * RecordBytes;
        using var go = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, threadCount).Select(_ => new Thread(() =>
        {
            go.Wait();
            long offsetBytes;
            while ((offsetBytes = Interlocked.Add(ref nextOffsetBytes, RecordBytes) - RecordBytes) < endBytes)
            {
                commitRecordAt(offsetBytes);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        long startTimestamp = Stopwatch.GetTimestamp();
        go.Set();
        threads.ForEach(t => t.Join());
        return commitCount / Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
    }
}
