using System.Buffers.Binary;
using System.Diagnostics;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// S2: append a 4 KiB record and flush its range, 2,000 times; a sample is one run's throughput.
/// The records overwrite the same preallocated, already written region every run (a log segment
/// being reused), so no run allocates blocks and every run starts with all pages clean.
/// </summary>
internal static class S2AppendAndFlush
{
    private const int RecordBytes = 4096;

    public static ScenarioResult Run(CoreFlushOptions options, BenchWorkspace workspace)
    {
        var recordCount = options.Quick ? 200 : 2000;
        var rounds = options.RoundsOr(fullRounds: 7, quickRounds: 2);
        var fileBytes = (long)recordCount * RecordBytes;
        using var library = new LibraryCommitSubject(workspace.GetFile("s2-library.dat", fileBytes));
        using var raw = new RawCommitSubject(workspace.GetFile("s2-raw.dat", fileBytes));
        using var dotnet = new DotnetViewSubject(workspace.GetFile("s2-dotnet.dat", fileBytes));
        var arms = new ICommitSubject[] { library, raw, dotnet }
            .Select(subject => new Arm(subject.Name, _ => AppendAll(subject, recordCount)))
            .ToList();
        var samples = Interleaver.Run(arms, warmupRounds: 1, rounds);
        var measurements = arms.Select(a => new Measurement("S2", a.Name, $"append 4 KiB + flush it, {recordCount}x", "ops/s", samples[a.Name])).ToList();
        return new ScenarioResult(measurements,
        [
            new TargetCheck("S2", "append + Flush(range) >= 0.95x raw throughput", measurements[0].Median / measurements[1].Median, 0.95, "x", AtMost: false),
        ],
        [
            "S2: MemoryMappedViewAccessor has no range flush; its arm flushes the whole (8 MiB) view after each record, for reference only.",
        ]);
    }

    /// <summary>Appends <paramref name="recordCount"/> records, committing each; returns commits per second.</summary>
    private static double AppendAll(ICommitSubject subject, int recordCount)
    {
        Span<byte> record = stackalloc byte[RecordBytes];
        record.Fill(0x5A);
        var startTimestamp = Stopwatch.GetTimestamp();
        for (var recordIndex = 0; recordIndex < recordCount; recordIndex++)
        {
            var offsetBytes = (long)recordIndex * RecordBytes;
            BinaryPrimitives.WriteInt64LittleEndian(record, recordIndex);
            subject.Store(offsetBytes, record);
            subject.Commit(offsetBytes, RecordBytes);
        }
        return recordCount / Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
    }
}
