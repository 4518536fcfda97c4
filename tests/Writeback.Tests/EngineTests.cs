namespace Writeback.Tests;

/// <summary>
/// The process-wide durability engine: which one runs, and that hundreds of files using it add a
/// handful of threads, not one or two per file. CI runs this project twice, once with io_uring and
/// once with WRITEBACK_IO_URING=0. Not run in parallel with other tests, whose threads would be counted.
/// </summary>
[Collection(nameof(EngineTests))]
public sealed class EngineTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [SkippableFact]
    public void TheEngineIsTheOneTheEnvironmentAsksFor()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the engine is Linux's");
        string engine = MappedFile.DurabilityEngineName;
        if (Environment.GetEnvironmentVariable("WRITEBACK_IO_URING") == "0")
        {
            Assert.StartsWith("thread pool", engine, StringComparison.Ordinal);
            return;
        }
        Skip.IfNot(File.Exists("/proc/sys/kernel/io_uring_disabled") && File.ReadAllText("/proc/sys/kernel/io_uring_disabled").Trim() == "0",
            "io_uring is disabled on this kernel (kernel.io_uring_disabled != 0), so the fallback runs");
        Assert.Equal("io_uring", engine);
    }

    [SkippableFact]
    public async Task FiveHundredFilesUsingStartWritebackAndFlushAsyncAddAtMostEightThreads()
    {
        Skip.IfNot(Directory.Exists("/proc/self/task"), "needs /proc/self/task to count the process's threads");
        const int FileCount = 500;
        var files = new List<MappedFile>(FileCount);
        try
        {
            // Counted after opening (files have no threads): what using them adds, the engine's own
            // thread(s) included unless an earlier test in this process started it already.
            for (int i = 0; i < FileCount; i++)
            {
                files.Add(MappedFile.Open(_directory.File($"threads-{i}.bin"), new MappedFileOptions { Length = 2 * 4096 }));
            }
            int before = ThreadCount();
            foreach (MappedFile file in files)
            {
                file.GetSpan(0, 8).Fill(0x5A);
                file.StartWriteback(0, 4096);
                await file.FlushAsync(4096, 4096);
            }
            await Task.WhenAll(files.Select(file => file.FlushAsync(0, 4096)));
            int added = ThreadCount() - before;
            Assert.True(added <= 8, $"{FileCount} files added {added} threads ({before} before): {ThreadNames()}");
        }
        finally
        {
            files.ForEach(file => file.Dispose());
        }
    }

    [SkippableFact]
    public async Task RangesLongerThanOneEngineRequestAreSplitAndAllCovered()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the engine is Linux's");
        const long FileBytes = 5L << 30; // sparse: beyond io_uring's 32-bit SQE length
        var calls = new FaultInjector();
        using var file = MappedFile.Open(_directory.File("huge.bin"), new MappedFileOptions { Length = FileBytes }, calls);
        file.GetSpan(FileBytes - 4096, 1)[0] = 1;
        file.StartWriteback(0, FileBytes);
        await file.FlushAsync(0, FileBytes);
        int expected = calls.Engine.MaxRequestBytes >= FileBytes ? 1 : (int)((FileBytes - 1) / calls.Engine.MaxRequestBytes) + 1;
        Assert.Equal(expected, calls.CallCount(Native.SystemCalls.SyncFileRange));
        Assert.Equal(expected, calls.CallCount(Native.SystemCalls.MSync));
        Assert.Equal(0, file.GetPageCacheState(FileBytes - 4096, 4096).DirtyPages);
    }

    // Every thread of the process except those the .NET runtime names ".NET …" (its thread pool,
    // which grows and shrinks with the other tests' work, timer, finalizer): a thread the library
    // started, named or not, and the kernel's io-wq workers (iou-wrk-*) are all counted. The
    // benchmark (core-flush, Threads) counts every thread of a quiet process instead.
    private static int ThreadCount() =>
        Directory.GetDirectories("/proc/self/task").Count(task => !File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET ", StringComparison.Ordinal));

    private static string ThreadNames() =>
        string.Join(", ", Directory.GetDirectories("/proc/self/task").Select(task => File.ReadAllText(Path.Combine(task, "comm")).Trim()).Order(StringComparer.Ordinal));
}

/// <summary>Runs <see cref="EngineTests"/> alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(EngineTests), DisableParallelization = true)]
public sealed class EngineTestsCollection
{
}
