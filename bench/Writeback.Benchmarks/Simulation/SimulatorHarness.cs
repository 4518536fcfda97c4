using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Writeback.Simulation;
using Writeback.Simulation.Examples;

namespace Writeback.Benchmarks.Simulation;

/// <summary>
/// The simulator's targets (issue 3): crash states checked per second for the correct write-ahead
/// log with 1,000 records, time to the header-barrier example's first failure, and peak memory
/// while exploring a 256 MiB file with 1,000 crash points.
/// <c>dotnet run -c Release --project bench/Writeback.Benchmarks -- sim-throughput [runs]</c>
/// </summary>
public sealed class SimulatorHarness : IHarness
{
    public string Name => "sim-throughput";

    public string Description => "simulator: states/s (WAL, 1,000 records), time to header-barrier's first failure, memory for 256 MiB x 1,000 crash points";

    public int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}; {runs} samples per figure, medians");

        // Memory first: VmHWM is the process's peak, so nothing else may have run before it.
        double baselineRssMiB = PeakRssMiB();
        // The first exploration in a fresh process (JIT included) is the one a user waits for; it
        // needs a few MiB, which does not disturb the peak measured next.
        var stopwatch = Stopwatch.StartNew();
        new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Seed = 1, StopAtFirstFailure = true }).Explore(BundledScenarios.HeaderBarrier.Scenario);
        double coldMs = stopwatch.Elapsed.TotalMilliseconds;
        var large = new LargeFileScenario();
        stopwatch.Restart();
        CrashReport? largeReport = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Seed = 1 }).Explore(large);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"256 MiB file, {largeReport.CrashPoints} crash points: {largeReport.StatesChecked} states checked in {stopwatch.Elapsed.TotalSeconds:F1} s, passed={largeReport.Passed}; "
            + $"peak RSS (VmHWM) {PeakRssMiB():F0} MiB (before: {baselineRssMiB:F0} MiB), managed heap after {GC.GetTotalMemory(false) / 1048576.0:F0} MiB, "
            + $"peak committed GC memory {GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes / 1048576.0:F0} MiB"));
        largeReport = null;
        GC.Collect();

        var wal = new ChecksummedLogScenario("write-ahead-log-1000", "wal.bin", 1000, LogCommit.FlushRange, flushDirectoryAfterCreate: true);
        foreach (int atomicWriteBytes in new[] { 4096, 512 })
        {
            var rates = new List<double>();
            CrashReport? last = null;
            // One unmeasured run first, so that the figures are of tiered-up code, not of the JIT.
            new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Seed = 1, AtomicWriteBytes = atomicWriteBytes }).Explore(wal);
            for (int run = 0; run < runs; run++)
            {
                // One sample = as many whole explorations (recording included) as fit in 2 s, so a
                // burst of load from other processes on this shared machine moves a sample less.
                long states = 0;
                TimeSpan elapsed = TimeSpan.Zero;
                while (elapsed < TimeSpan.FromSeconds(2))
                {
                    last = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Seed = 1, AtomicWriteBytes = atomicWriteBytes }).Explore(wal);
                    states += last.StatesChecked;
                    elapsed += last.Elapsed;
                }
                rates.Add(states / elapsed.TotalSeconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"WAL 1,000 records, Linux3_16Range, 3 crash kinds, {atomicWriteBytes}-byte unit: {last!.CrashPoints} crash points, {last.StatesGenerated} states generated, "
                + $"{last.StatesChecked} distinct states checked, median {Statistics.Median(rates):F0} states/s (min {rates.Min():F0}, max {rates.Max():F0}), passed={last.Passed}"));
        }

        var times = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            stopwatch.Restart();
            CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Seed = 1, StopAtFirstFailure = true })
                .Explore(BundledScenarios.HeaderBarrier.Scenario);
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
            if (report.Passed)
            {
                Console.WriteLine("header-barrier unexpectedly passed");
                return 1;
            }
        }
        Console.WriteLine($"load average at the end: {LoadAverage()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"header-barrier, Linux3_16Range: first failure after median {Statistics.Median(times):F1} ms (min {times.Min():F1}, max {times.Max():F1}), recording included; "
            + $"first exploration in a fresh process (JIT included): {coldMs:F1} ms"));
        return 0;
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>The process's peak resident set size (VmHWM in /proc/self/status), in MiB.</summary>
    internal static double PeakRssMiB()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return double.NaN;
    }

    /// <summary>
    /// A 256 MiB file written in 1 MiB chunks, each flushed and acknowledged, then single pages
    /// rewritten and flushed, for 999 calls (1,000 crash points) in all. The checker reads each
    /// acknowledged chunk's tag, not the whole file.
    /// </summary>
    private sealed class LargeFileScenario : ICrashScenario
    {
        private const long FileBytes = 256L << 20;
        private const int ChunkBytes = 1 << 20;

        public string Name => "256mib-file";

        public void Run(IMappedStorage storage, Acknowledgements acknowledged)
        {
            using IMappedFile file = storage.Open("big.bin", new MappedFileOptions { Mode = FileMode.CreateNew, Length = FileBytes });
            file.FlushFile();
            storage.FlushDirectory();
            byte[] chunk = new byte[ChunkBytes];
            for (int chunkIndex = 0; chunkIndex < FileBytes / ChunkBytes; chunkIndex++)
            {
                chunk.AsSpan().Fill((byte)(chunkIndex | 1));
                BinaryPrimitives.WriteInt32LittleEndian(chunk, chunkIndex + 1);
                file.Write((long)chunkIndex * ChunkBytes, chunk);
                file.Flush((long)chunkIndex * ChunkBytes, ChunkBytes);
                acknowledged.Add(chunkIndex + 1);
            }
            byte[] page = new byte[4096];
            for (int update = 0; update < 242; update++)
            {
                long pageIndex = (update * 7919L) % (FileBytes / 4096);
                page.AsSpan().Fill((byte)(update | 0x80));
                BinaryPrimitives.WriteInt32LittleEndian(page, (int)(pageIndex / (ChunkBytes / 4096)) + 1);
                file.Write(pageIndex * 4096, page);
                file.Flush(pageIndex * 4096, 4096);
            }
        }

        public CheckResult Check(IMappedStorage recovered, CrashContext context)
        {
            int acknowledged = context.Acknowledged.Count;
            if (acknowledged == 0)
            {
                return CheckResult.Ok;
            }
            if (!recovered.Exists("big.bin"))
            {
                return CheckResult.Fail("big.bin is missing");
            }
            using IMappedFile file = recovered.Open("big.bin", new MappedFileOptions { Mode = FileMode.Open, Access = FileAccess.Read });
            for (int chunkIndex = 0; chunkIndex < acknowledged; chunkIndex++)
            {
                if (BinaryPrimitives.ReadInt32LittleEndian(file.GetReadOnlySpan((long)chunkIndex * ChunkBytes, 4)) != chunkIndex + 1)
                {
                    return CheckResult.Fail($"chunk {chunkIndex} was acknowledged but is not on disk");
                }
            }
            return CheckResult.Ok;
        }
    }
}
