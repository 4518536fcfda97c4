using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Writeback.Simulation;

namespace Writeback.Benchmarks.Simulation;

/// <summary>
/// The simulator's cost bounds (issue 9): N writes before a single flush explored under all three
/// crash kinds, for N = 500, 1,000, 2,000 and 4,000, in two shapes (64-byte records appended, so
/// many versions per page; one page per write); and a 256 MiB file whose checker reads 16-byte spans
/// across page boundaries at a 512-byte atomic unit. Each figure is measured in a fresh child
/// process, so its peak resident set (VmHWM) is its own.
/// <c>dotnet run -c Release --project bench/Writeback.Benchmarks -- sim-cost</c>; <c>sim-cost one SHAPE N</c>
/// runs one row in this process; <c>sim-cost profile-wal ROUNDS [UNIT]</c> explores the 1,000-record
/// write-ahead log ROUNDS times (for a profiler) and times recording and exploration on one thread.
/// </summary>
public sealed class SimulatorCostHarness : IHarness
{
    public string Name => "sim-cost";

    public string Description => "simulator: time and peak memory of N writes before one flush (N = 500..4,000) and of page-crossing spans over a 256 MiB file";

    public int Run(string[] args)
    {
        if (args is ["profile-wal", var rounds, ..])
        {
            int unit = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4096;
            var wal = new Writeback.Simulation.Examples.ChecksummedLogScenario("wal", "wal.bin", 1000, Writeback.Simulation.Examples.LogCommit.FlushRange, true);
            var watch = Stopwatch.StartNew();
            long states = 0;
            for (int round = 0; round < int.Parse(rounds, CultureInfo.InvariantCulture); round++)
            {
                states += new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Seed = 1, AtomicWriteBytes = unit }).Explore(wal).StatesChecked;
            }
            Console.WriteLine($"{states / watch.Elapsed.TotalSeconds:F0} states/s");
            watch.Restart();
            SimulationRecord record = CrashExplorer.Record(wal);
            double recordMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            CrashReport one = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Seed = 1, Parallelism = 1, AtomicWriteBytes = unit }).Explore(record, wal);
            Console.WriteLine($"record {recordMs:F1} ms; explore (1 thread, timeline included) {watch.Elapsed.TotalMilliseconds:F1} ms for {one.StatesChecked} states");
            watch.Restart();
            one = new CrashExplorer(KernelModel.Linux3_16Range, new ExplorerOptions { Seed = 1, Parallelism = 1, AtomicWriteBytes = unit }).Explore(record, wal);
            Console.WriteLine($"explore again (timeline cached) {watch.Elapsed.TotalMilliseconds:F1} ms");
            return 0;
        }
        if (args is ["one", var oneShape, var oneCount])
        {
            return RunOne(oneShape, int.Parse(oneCount, CultureInfo.InvariantCulture));
        }
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {SimulatorHarness.LoadAverage()}");
        Console.WriteLine("| workload | N | calls | crash points | states generated | states checked | time | peak RSS |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        int failed = 0;
        foreach (string? shape in new[] { "records", "pages" })
        {
            foreach (int count in new[] { 500, 1000, 2000, 4000 })
            {
                failed += RunChild(shape, count);
            }
        }
        failed += RunChild("spans", 64);
        Console.WriteLine($"load average at the end: {SimulatorHarness.LoadAverage()}");
        return failed == 0 ? 0 : 1;
    }

    private static int RunChild(string shape, int count)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileName(Environment.ProcessPath!).StartsWith("dotnet", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(typeof(SimulatorCostHarness).Assembly.Location);
        }
        foreach (string? argument in new[] { "sim-cost", "one", shape, count.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        using Process child = Process.Start(start)!;
        Console.Write(child.StandardOutput.ReadToEnd());
        child.WaitForExit();
        return child.ExitCode;
    }

    private static int RunOne(string shape, int count)
    {
        ICrashScenario scenario = shape switch
        {
            "records" => new WritesBeforeOneFlush(count, recordBytes: 64),
            "pages" => new WritesBeforeOneFlush(count, recordBytes: 4096),
            _ => new PageCrossingSpans(count),
        };
        var options = new ExplorerOptions { Seed = 1, AtomicWriteBytes = shape == "spans" ? 512 : 4096 };
        var stopwatch = Stopwatch.StartNew();
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range, options).Explore(scenario);
        double seconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {scenario.Name} | {count:N0} | {report.CallCount:N0} | {report.CrashPoints:N0} | {report.StatesGenerated:N0} | {report.StatesChecked:N0} | {seconds:F2} s | {SimulatorHarness.PeakRssMiB():F0} MiB |"));
        if (!report.Passed)
        {
            CrashFailure first = report.Failures[0];
            Console.WriteLine($"unexpected failure: {first.Kind} #{first.CrashPointIndex} {first.Call}: {first.Message}; {string.Join("; ", first.ShrunkDeviations ?? [])}");
        }
        return report.Passed ? 0 : 1;
    }

    /// <summary>
    /// N records written one by one into a preallocated log, then one Flush of the whole log and one
    /// acknowledgement. Records carry their sequence number and a checksum; the checker scans them up
    /// to the first invalid one and, once the flush is acknowledged, wants all N.
    /// </summary>
    private sealed class WritesBeforeOneFlush(int recordCount, int recordBytes) : ICrashScenario
    {
        public string Name => recordBytes == 4096 ? "one page per write" : $"{recordBytes}-byte records";

        public void Run(IMappedStorage storage, Acknowledgements acknowledged)
        {
            long lengthBytes = ((long)recordCount * recordBytes + 4095) / 4096 * 4096;
            using IMappedFile file = storage.Open("log.bin", new MappedFileOptions { Mode = FileMode.CreateNew, Length = lengthBytes });
            file.FlushFile();
            storage.FlushDirectory();
            byte[] record = new byte[recordBytes];
            for (int sequence = 1; sequence <= recordCount; sequence++)
            {
                Encode(sequence, record);
                file.Write((long)(sequence - 1) * recordBytes, record);
            }
            file.Flush(0, lengthBytes);
            acknowledged.Add(recordCount);
        }

        public CheckResult Check(IMappedStorage recovered, CrashContext context)
        {
            if (!recovered.Exists("log.bin"))
            {
                return context.Acknowledged.Count == 0 ? CheckResult.Ok : CheckResult.Fail("log.bin is missing");
            }
            using IMappedFile file = recovered.Open("log.bin", new MappedFileOptions { Mode = FileMode.Open, Access = FileAccess.Read });
            int valid = 0;
            while (valid < recordCount && (long)(valid + 1) * recordBytes <= file.Length
                   && Valid(file.GetReadOnlySpan((long)valid * recordBytes, 16), valid + 1))
            {
                valid++;
            }
            return context.Acknowledged.Count > 0 && valid < recordCount
                ? CheckResult.Fail($"{recordCount} records acknowledged, {valid} recovered")
                : CheckResult.Ok;
        }

        private static void Encode(int sequence, Span<byte> record)
        {
            BinaryPrimitives.WriteInt32LittleEndian(record, sequence);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Checksum(sequence));
        }

        private static bool Valid(ReadOnlySpan<byte> header, int sequence) =>
            BinaryPrimitives.ReadInt32LittleEndian(header) == sequence && BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == Checksum(sequence);

        private static uint Checksum(int sequence) => (uint)sequence * 2654435761u ^ 0x5EED;
    }

    /// <summary>
    /// A 256 MiB file; K 16-byte records, each straddling a page boundary far apart, written, flushed
    /// and acknowledged one by one. The checker reads every acknowledged record through one
    /// GetReadOnlySpan across the boundary.
    /// </summary>
    private sealed class PageCrossingSpans(int recordCount) : ICrashScenario
    {
        private const long FileBytes = 256L << 20;

        public string Name => "256 MiB, spans across pages";

        public void Run(IMappedStorage storage, Acknowledgements acknowledged)
        {
            using IMappedFile file = storage.Open("big.bin", new MappedFileOptions { Mode = FileMode.CreateNew, Length = FileBytes });
            file.FlushFile();
            storage.FlushDirectory();
            byte[] record = new byte[16];
            for (int index = 0; index < recordCount; index++)
            {
                record.AsSpan().Fill((byte)(index + 1));
                file.Write(OffsetOf(index), record);
                file.Flush(OffsetOf(index), record.Length);
                acknowledged.Add(index + 1);
            }
        }

        public CheckResult Check(IMappedStorage recovered, CrashContext context)
        {
            if (!recovered.Exists("big.bin"))
            {
                return context.Acknowledged.Count == 0 ? CheckResult.Ok : CheckResult.Fail("big.bin is missing");
            }
            using IMappedFile file = recovered.Open("big.bin", new MappedFileOptions { Mode = FileMode.Open, Access = FileAccess.Read });
            for (int index = 0; index < context.Acknowledged.Count; index++)
            {
                if (file.GetReadOnlySpan(OffsetOf(index), 16).IndexOfAnyExcept((byte)(index + 1)) >= 0)
                {
                    return CheckResult.Fail($"record {index} was acknowledged but is not on disk");
                }
            }
            return CheckResult.Ok;
        }

        private long OffsetOf(int index) => (index + 1) * (FileBytes / (recordCount + 1)) / 4096 * 4096 - 8;
    }
}
