using System.Diagnostics;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// S1: commit one 4 KiB page of a 256 MiB file while 32 MiB elsewhere in it are dirty. Before
/// every sample the 32 MiB and the page are dirtied again (untimed), so each commit starts from
/// the same state, which cachestat confirms; the whole-view flush has to write the 32 MiB, the
/// range flushes must not.
/// </summary>
internal static class S1CommitOnePage
{
    public const long FileBytes = 256L << 20;

    /// <summary>The 256 MiB file S1 and S3 share; every arm maps this same file (see <see cref="Run"/>).</summary>
    public const string FileName = "s1s3.dat";
    private const long DirtyOffsetBytes = 64L << 20;
    private const int DirtyBytes = 32 << 20;
    private const int RecordBytes = 4096;
    private const long TargetOffsetBytes = (192L << 20) + 3 * RecordBytes;

    public static ScenarioResult Run(CoreFlushOptions options, BenchWorkspace workspace)
    {
        int rounds = options.RoundsOr(fullRounds: 120, quickRounds: 6);
        // One file, mapped once per arm: the arms run one after the other, so they do not disturb
        // each other, and no arm gets luckier disk blocks than another (with a file per arm the
        // arms' figures differed by 10-20% on some files and not on others).
        string path = workspace.GetFile(FileName, FileBytes);
        using var library = new LibraryCommitSubject(path);
        using var raw = new RawCommitSubject(path);
        using var dotnet = new DotnetViewSubject(path);
        using var probe = new PageCacheProbe(path);
        var dirtyPagesSeen = new List<long>();
        var arms = new ICommitSubject[] { library, raw, dotnet }.Select(subject => new Arm(subject.Name, roundIndex =>
        {
            Redirty(subject, roundIndex);
            dirtyPagesSeen.Add(probe.Query(0, FileBytes).DirtyPages);
            long startTimestamp = Stopwatch.GetTimestamp();
            subject.Commit(TargetOffsetBytes, RecordBytes);
            return Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds;
        })).ToList();
        Dictionary<string, List<double>> samples = Interleaver.Run(arms, warmupRounds: 2, rounds);
        var measurements = arms.Select(a => new Measurement("S1", a.Name, "commit 1 page, 32 MiB dirty elsewhere", "us", samples[a.Name])).ToList();
        (Measurement? libraryFlush, Measurement? rawMsync, Measurement? viewFlush) = (measurements[0], measurements[1], measurements[2]);
        return new ScenarioResult(measurements,
        [
            new TargetCheck("S1", "Flush(range) within 1.10x of raw msync(range)", libraryFlush.MedianRatioTo(rawMsync), 1.10, "x", AtMost: true),
            new TargetCheck("S1", ">= 15x faster than MemoryMappedViewAccessor.Flush()", viewFlush.MedianRatioTo(libraryFlush), 15, "x", AtMost: false),
        ],
        [
            $"S1: dirty pages in the file before each commit: min {dirtyPagesSeen.Min()}, max {dirtyPagesSeen.Max()} (expected {DirtyBytes / RecordBytes + 1}: the 32 MiB plus the page)",
        ]);
    }

    /// <summary>Dirties one byte in every page of the 32 MiB region and rewrites the target page.</summary>
    private static void Redirty(ICommitSubject subject, int roundIndex)
    {
        byte value = (byte)(roundIndex + 1);
        Span<byte> region = subject.GetSpan(DirtyOffsetBytes, DirtyBytes);
        for (int offsetBytes = 0; offsetBytes < DirtyBytes; offsetBytes += RecordBytes)
        {
            region[offsetBytes] = value;
        }
        Span<byte> record = stackalloc byte[RecordBytes];
        record.Fill(value);
        subject.Store(TargetOffsetBytes, record);
    }
}
