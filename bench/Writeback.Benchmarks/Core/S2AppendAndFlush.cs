using System.Buffers.Binary;
using System.Diagnostics;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// S2: append a 4 KiB record and flush its range, 2,000 times; a sample is one run's throughput.
/// The records overwrite the same preallocated, already written region every run (a log segment
/// being reused), so no run allocates blocks and every run starts with all pages clean.
/// </summary>
/// <remarks>
/// The arms advance in lockstep, record by record (A B C, B C A, …), and each arm's run time is
/// the sum of its own append + flush times: the other engineers' builds and fsyncs on this
/// machine come in bursts of seconds, which with whole runs back to back fell on one arm's run
/// and not the other's (single runs then ranged from 400 to 10,000 appends/s).
/// </remarks>
internal static class S2AppendAndFlush
{
    private const int RecordBytes = 4096;

    public static ScenarioResult Run(CoreFlushOptions options, BenchWorkspace workspace)
    {
        int recordCount = options.Quick ? 200 : 2000;
        int rounds = options.RoundsOr(fullRounds: 7, quickRounds: 2);
        long fileBytes = (long)recordCount * RecordBytes;
        // One file for all arms, as in S1: each record is written and committed by every arm in
        // turn, at the same offset, so every arm writes the same disk blocks.
        string path = workspace.GetFile("s2.dat", fileBytes);
        using var library = new LibraryCommitSubject(path);
        using var raw = new RawCommitSubject(path);
        using var dotnet = new DotnetViewSubject(path);
        var subjects = new ICommitSubject[] { library, raw, dotnet };
        Dictionary<string, List<double>> samples = subjects.ToDictionary(subject => subject.Name, _ => new List<double>());
        for (int runIndex = -1; runIndex < rounds; runIndex++)
        {
            // Run -1 warms up (JIT, first faults) and is discarded.
            int recordsThisRun = runIndex < 0 ? Math.Min(recordCount, 100) : recordCount;
            Dictionary<string, double> seconds = AppendInLockstep(subjects, recordsThisRun);
            if (runIndex >= 0)
            {
                foreach (ICommitSubject subject in subjects)
                {
                    samples[subject.Name].Add(recordsThisRun / seconds[subject.Name]);
                }
            }
        }
        var measurements = subjects.Select(a => new Measurement("S2", a.Name, $"append 4 KiB + flush it, {recordCount}x", "ops/s", samples[a.Name])).ToList();
        return new ScenarioResult(measurements,
        [
            new TargetCheck("S2", "append + Flush(range) >= 0.95x raw throughput", measurements[0].MedianRatioTo(measurements[1]), 0.95, "x", AtMost: false),
        ],
        [
            $"S2: MemoryMappedViewAccessor has no range flush; its arm flushes the whole ({fileBytes >> 10} KiB) view after each record, for reference only.",
        ]);
    }

    /// <summary>
    /// Appends <paramref name="recordCount"/> records to every subject, committing each, one record
    /// per subject in turn; returns each subject's total time in seconds.
    /// </summary>
    private static Dictionary<string, double> AppendInLockstep(IReadOnlyList<ICommitSubject> subjects, int recordCount)
    {
        byte[] record = new byte[RecordBytes];
        record.AsSpan().Fill(0x5A);
        var arms = subjects.Select(subject => new Arm(subject.Name, recordIndex =>
        {
            long offsetBytes = (long)recordIndex * RecordBytes;
            long startTimestamp = Stopwatch.GetTimestamp();
            BinaryPrimitives.WriteInt64LittleEndian(record, recordIndex);
            subject.Store(offsetBytes, record);
            subject.Commit(offsetBytes, RecordBytes);
            return Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        })).ToList();
        return Interleaver.Run(arms, warmupRounds: 0, recordCount).ToDictionary(p => p.Key, p => p.Value.Sum());
    }
}
