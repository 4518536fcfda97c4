using System.Diagnostics;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// S3: start writeback of 256 MiB of dirty pages. Two figures per sample: how long the caller is
/// held (StartWriteback against a direct sync_file_range(SYNC_FILE_RANGE_WRITE), which blocks
/// when the device queue fills), and how long until cachestat shows no page dirty or under
/// writeback, polled by the same loop for both arms. .NET's MemoryMappedFiles has no equivalent.
/// </summary>
internal static class S3StartWriteback
{
    private const int PageBytes = 4096;

    public static ScenarioResult Run(CoreFlushOptions options, BenchWorkspace workspace)
    {
        long fileBytes = S1CommitOnePage.FileBytes;
        int rounds = options.RoundsOr(fullRounds: 18, quickRounds: 3);
        const int warmupRounds = 1; // the first round of each arm faults the mapping in
        // S1's 256 MiB file, one for all arms as there (the arms run one after the other).
        string path = workspace.GetFile(S1CommitOnePage.FileName, fileBytes);
        using var library = MappedFile.Open(path, new MappedFileOptions { Mode = FileMode.Open });
        using var raw = new RawMapping(path);
        using var probe = new PageCacheProbe(path);
        using var helper = new HelperThread("S3 raw sync_file_range");
        var callerUs = new Dictionary<string, List<double>>();
        var dirtyPagesSeen = new List<long>();

        Arm MakeArm(string name, Func<long, int, Span<byte>> getSpan, Action<long, long> start)
        {
            callerUs[name] = [];
            return new Arm(name, roundIndex =>
            {
                DirtyEveryPage(getSpan(0, (int)fileBytes), roundIndex);
                dirtyPagesSeen.Add(probe.Query(0, fileBytes).DirtyPages);
                long startTimestamp = Stopwatch.GetTimestamp();
                start(0, fileBytes);
                long returnedTimestamp = Stopwatch.GetTimestamp();
                long cleanTimestamp = probe.WaitUntilClean(0, fileBytes, options.PollIntervalUs);
                if (roundIndex >= warmupRounds)
                {
                    callerUs[name].Add(Stopwatch.GetElapsedTime(startTimestamp, returnedTimestamp).TotalMicroseconds);
                }
                return Stopwatch.GetElapsedTime(startTimestamp, cleanTimestamp).TotalMilliseconds;
            });
        }

        var arms = new List<Arm>
        {
            MakeArm("MappedFile.StartWriteback", library.GetSpan, library.StartWriteback),
            MakeArm("raw sync_file_range(WRITE)", raw.GetSpan, raw.SyncFileRangeWrite),
            MakeArm("raw sync_file_range(WRITE) on a helper thread", raw.GetSpan,
                    (offsetBytes, lengthBytes) => helper.Post(() => raw.SyncFileRangeWrite(offsetBytes, lengthBytes))),
        };
        Dictionary<string, List<double>> samples = Interleaver.Run(arms, warmupRounds, rounds);
        var measurements = new List<Measurement>();
        foreach (Arm arm in arms)
        {
            measurements.Add(new Measurement("S3", arm.Name, "caller-visible, 256 MiB dirty", "us", callerUs[arm.Name]));
            measurements.Add(new Measurement("S3", arm.Name, "until all pages clean (cachestat)", "ms", samples[arm.Name]));
        }
        (Measurement? libraryCaller, Measurement? libraryClean, Measurement? rawClean) = (measurements[0], measurements[1], measurements[3]);
        return new ScenarioResult(measurements,
        [
            new TargetCheck("S3", "StartWriteback caller-visible median <= 20 us", libraryCaller.Median, 20, "us", AtMost: true),
            new TargetCheck("S3", "all pages clean within 1.2x of sync_file_range(WRITE) + wait", libraryClean.MedianRatioTo(rawClean), 1.2, "x", AtMost: true),
        ],
        [
            $"S3: dirty pages before each start: min {dirtyPagesSeen.Min()}, max {dirtyPagesSeen.Max()} (expected {fileBytes / PageBytes}); clean = no page dirty or under writeback, polled every {options.PollIntervalUs} us, the last MiB first, then the whole file (see PageCacheProbe.WaitUntilClean).",
        ]);
    }

    private static void DirtyEveryPage(Span<byte> mapping, int roundIndex)
    {
        byte value = (byte)(roundIndex + 1);
        for (int offsetBytes = 0; offsetBytes < mapping.Length; offsetBytes += PageBytes)
        {
            mapping[offsetBytes] = value;
        }
    }
}
