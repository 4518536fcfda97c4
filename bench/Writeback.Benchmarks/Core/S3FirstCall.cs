using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// S3, first call: StartWriteback on a file opened just before, 256 MiB of it dirty. With a thread
/// per file this paid for creating the thread; with the process-wide engine it is a submission
/// like any other. Each sample is a fresh file (created sparse, every page dirtied through the
/// mapping), against the raw sync_file_range(SYNC_FILE_RANGE_WRITE) on a freshly opened descriptor
/// and against a C program submitting the same IORING_OP_SYNC_FILE_RANGE with liburing
/// (<see cref="LiburingSubmitArm"/>; skipped with the reason when gcc or liburing is missing).
/// The engine and the C program's ring are set up before the first sample, once per process, not
/// per file; one discarded warm-up round keeps the JIT out of the samples.
/// </summary>
internal static class S3FirstCall
{
    private const int PageBytes = 4096;

    public static ScenarioResult Run(CoreFlushOptions options, BenchWorkspace workspace)
    {
        long fileBytes = S1CommitOnePage.FileBytes;
        int rounds = options.RoundsOr(fullRounds: 5, quickRounds: 2);
        _ = MappedFile.DurabilityEngineName; // the process's engine, started once
        int sequence = 0;
        string FreshPath() => Path.Combine(workspace.Directory, $"s3-first-{Interlocked.Increment(ref sequence)}.dat");

        using var liburing = LiburingSubmitArm.TryStart(out string? skipReason);
        var arms = new List<Arm>
        {
            new("MappedFile.StartWriteback, first call on the file", _ =>
            {
                string path = FreshPath();
                using (var file = MappedFile.Open(path, new MappedFileOptions { Mode = FileMode.CreateNew, Length = fileBytes }))
                {
                    DirtyEveryPage(file.GetSpan(0, (int)fileBytes));
                    double elapsedUs = Time([MethodImpl(MethodImplOptions.AggressiveOptimization)] () => file.StartWriteback(0, fileBytes));
                    WaitUntilClean(path, fileBytes, options);
                    File.Delete(path);
                    return elapsedUs;
                }
            }),
            new("raw sync_file_range(WRITE), first call on the fd", _ =>
            {
                string path = FreshPath();
                using (FileStream stream = File.Create(path))
                {
                    stream.SetLength(fileBytes);
                }
                using (var raw = new RawMapping(path))
                {
                    DirtyEveryPage(raw.GetSpan(0, (int)fileBytes));
                    double elapsedUs = Time([MethodImpl(MethodImplOptions.AggressiveOptimization)] () => raw.SyncFileRangeWrite(0, fileBytes));
                    WaitUntilClean(path, fileBytes, options);
                    File.Delete(path);
                    return elapsedUs;
                }
            }),
        };
        if (liburing is not null)
        {
            arms.Add(new Arm(LiburingArmName, _ =>
            {
                string path = FreshPath();
                double elapsedUs = liburing.MeasureSubmit(path, fileBytes);
                WaitUntilClean(path, fileBytes, options);
                File.Delete(path);
                return elapsedUs;
            }));
        }
        Dictionary<string, List<double>> samples = Interleaver.Run(arms, warmupRounds: 1, rounds);
        var measurements = arms.Select(a => new Measurement("S3 first call", a.Name, "caller-visible, fresh 256 MiB file", "us", samples[a.Name])).ToList();
        var targets = new List<TargetCheck>
        {
            new("S3 first call", "first StartWriteback on a newly opened file, median <= 20 us", measurements[0].Median, 20, "us", AtMost: true),
        };
        if (liburing is not null)
        {
            targets.Add(new("S3 first call", "StartWriteback within 1.1x of C liburing io_uring_submit (median of per-round ratios)",
                            measurements[0].MedianRatioTo(measurements[2]), 1.1, "x", AtMost: true));
        }
        return new ScenarioResult(measurements, targets,
        [
            $"S3 first call: engine {MappedFile.DurabilityEngineName}; {rounds} fresh files per arm (after one warm-up round), each deleted after its pages were clean.",
            skipReason ?? $"S3 first call: the C arm is {LiburingSubmitArm.SourceFile}, built with gcc -O2 -luring, timed around io_uring_submit() alone.",
        ]);
    }

    private const string LiburingArmName = "C liburing io_uring_submit(SYNC_FILE_RANGE), first call on the fd";

    // Optimized from the first call, as the timed lambdas are: each runs once per sample, so at tier 0
    // the harness's own delegate call would be timed with the library's (the C arm times its call alone).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Time(Action call)
    {
        long startTimestamp = Stopwatch.GetTimestamp();
        call();
        return Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds;
    }

    private static void WaitUntilClean(string path, long fileBytes, CoreFlushOptions options)
    {
        using var probe = new PageCacheProbe(path);
        probe.WaitUntilClean(0, fileBytes, options.PollIntervalUs);
    }

    private static void DirtyEveryPage(Span<byte> mapping)
    {
        for (int offsetBytes = 0; offsetBytes < mapping.Length; offsetBytes += PageBytes)
        {
            mapping[offsetBytes] = 0x77;
        }
    }
}
