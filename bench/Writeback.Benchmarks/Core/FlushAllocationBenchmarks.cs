using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// No heap allocation per Flush(range) or StartWriteback call. BenchmarkDotNet's memory
/// diagnoser counts the bytes allocated per operation on all threads (the engine's completion
/// thread too); the Allocated column must read "-" (zero) for the library's calls, as for raw msync.
/// Each operation dirties its page first, so every flush has something to write.
/// Run: <c>dotnet run -c Release --project bench/Writeback.Benchmarks -- --filter '*FlushAllocation*'</c>.
/// </summary>
[Config(typeof(ShortInProcessConfig))]
[MemoryDiagnoser]
public class FlushAllocationBenchmarks
{
    private const int PageBytes = 4096;
    private const int PageCount = 256;
    private string _directory = "";
    private MappedFile? _file;
    private RawMapping? _raw;
    private int _pageIndex;

    /// <summary>Creates two 1 MiB files with written data under /var/tmp (a real disk) and maps them.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("writeback-alloc-").FullName;
        if (BenchFiles.MountOf(_directory).FileSystemType is "tmpfs" or "ramfs")
        {
            _directory = Directory.CreateDirectory(Path.Combine("/var/tmp", Path.GetFileName(_directory))).FullName;
        }
        _file = MappedFile.Open(BenchFiles.Create(_directory, "library.dat", PageCount * PageBytes), new MappedFileOptions { Mode = FileMode.Open });
        _raw = new RawMapping(BenchFiles.Create(_directory, "raw.dat", PageCount * PageBytes));
    }

    /// <summary>Unmaps and deletes the files.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _file?.Dispose();
        _raw?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>MappedFile.Flush(offset, length) on one freshly dirtied page.</summary>
    [Benchmark]
    public void LibraryFlushRange()
    {
        long offsetBytes = NextPageOffset();
        _file!.GetSpan(offsetBytes, 1)[0]++;
        _file.Flush(offsetBytes, PageBytes);
    }

    /// <summary>MappedFile.StartWriteback(offset, length) on one freshly dirtied page.</summary>
    [Benchmark]
    public void LibraryStartWriteback()
    {
        long offsetBytes = NextPageOffset();
        _file!.GetSpan(offsetBytes, 1)[0]++;
        _file.StartWriteback(offsetBytes, PageBytes);
    }

    /// <summary>
    /// MappedFile.FlushAsync(offset, length) on one freshly dirtied page, waited for. Its Task (a
    /// TaskCompletionSource per request) is allocated per call: the public signature returns Task.
    /// </summary>
    [Benchmark]
    public void LibraryFlushAsync()
    {
        long offsetBytes = NextPageOffset();
        _file!.GetSpan(offsetBytes, 1)[0]++;
        _file.FlushAsync(offsetBytes, PageBytes).GetAwaiter().GetResult();
    }

    /// <summary>MappedFile.FlushValueAsync(offset, length): FlushAsync through a pooled request, waited for by yielding.</summary>
    [Benchmark]
    public void LibraryFlushValueAsync()
    {
        long offsetBytes = NextPageOffset();
        _file!.GetSpan(offsetBytes, 1)[0]++;
        ValueTask task = _file.FlushValueAsync(offsetBytes, PageBytes);
        // A ValueTask over a pooled source cannot be blocked on (GetResult needs it complete), and
        // AsTask() would allocate: wait by yielding.
        while (!task.IsCompleted)
        {
            Thread.Yield();
        }
        task.GetAwaiter().GetResult();
    }

    /// <summary>The baseline: raw msync(MS_SYNC) on one freshly dirtied page, through P/Invoke.</summary>
    [Benchmark(Baseline = true)]
    public void RawMsync()
    {
        long offsetBytes = NextPageOffset();
        _raw!.GetSpan(offsetBytes, 1)[0]++;
        _raw.MSync(offsetBytes, PageBytes);
    }

    private long NextPageOffset()
    {
        _pageIndex = (_pageIndex + 1) % PageCount;
        return (long)_pageIndex * PageBytes;
    }

    /// <summary>
    /// BenchmarkDotNet's short job (3 warm-up and 3 measured iterations), in process: the
    /// allocation count does not need more, and an in-process run does not rebuild the project.
    /// </summary>
    private sealed class ShortInProcessConfig : ManualConfig
    {
        public ShortInProcessConfig()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
            AddDiagnoser(MemoryDiagnoser.Default);
        }
    }
}
