using System.Globalization;

namespace Writeback.Benchmarks.LossyFs;

/// <summary>
/// Issue 5's targets: LossyFs against bindfs on backing directories of the same file system, in the
/// same run, alternating which goes first: sequential write of 256 MiB + fsync, 4 KiB random reads,
/// create + unlink of 10,000 files (each LossyFs >= 0.8x bindfs), then the memory LossyFs holds for
/// volatile data against the unsynced bytes its status reports.
/// </summary>
public sealed class LossyFsVsBindfsHarness : IHarness
{
    private const double TargetRatio = 0.8;

    public string Name => "lossyfs-vs-bindfs";

    public string Description => "LossyFs vs bindfs: 256 MiB write+fsync, 4 KiB random reads, 10,000 creates+unlinks; volatile memory";

    public int Run(string[] args)
    {
        var options = HarnessOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: lossyfs-vs-bindfs [--work-dir DIR] [--runs N] [--sequential-mib N] [--reads N] [--files N] [--only bindfs|lossyfs] [--lossyfs-threads N]");
            return 2;
        }
        Directory.CreateDirectory(options.WorkDirectory);
        Console.WriteLine($"work dir {options.WorkDirectory}; {options.Runs} runs; {options.SequentialMiB} MiB sequential; {options.ReadCount} reads; {options.FileCount} files; read seed {options.Seed}; LossyFs threads {options.LossyFsThreads}");

        var results = new Dictionary<string, List<Measurement>>();
        for (int run = 0; run < options.Runs; run++)
        {
            // Alternate the order so neither file system always runs on a warmer (or busier) machine.
            string[] order = run % 2 == 0 ? options.FileSystems : options.FileSystems.Reverse().ToArray();
            foreach (string? fileSystem in order)
            {
                Measurement measurement = Measure(fileSystem, options, run);
                Console.WriteLine($"run {run + 1} {fileSystem,-8} {measurement}");
                (results.TryGetValue(fileSystem, out List<Measurement>? list) ? list : results[fileSystem] = []).Add(measurement);
            }
        }

        PrintMedians(results);
        if (results.ContainsKey("lossyfs"))
        {
            LossyFsMemory.Report(options);
        }
        return 0;
    }

    private static Measurement Measure(string fileSystem, HarnessOptions options, int run)
    {
        string root = Path.Combine(options.WorkDirectory, $"{fileSystem}-{run}-{Guid.NewGuid():N}");
        string backing = Directory.CreateDirectory(Path.Combine(root, "backing")).FullName;
        string mountPoint = Directory.CreateDirectory(Path.Combine(root, "mnt")).FullName;
        try
        {
            using IBenchMount mount = fileSystem == "bindfs" ? (IBenchMount)BindfsMount.Start(backing, mountPoint) : LossyFsBenchMount.Start(backing, mountPoint, options.LossyFsThreads);
            double sequential = FileSystemWorkloads.SequentialWriteThenFsync(mount.MountPoint, options.SequentialMiB << 20);
            double reads = FileSystemWorkloads.RandomReads(mount.MountPoint, options.ReadCount, options.Seed);
            double files = FileSystemWorkloads.CreateThenUnlink(mount.MountPoint, options.FileCount);
            return new Measurement(sequential, reads, files);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void PrintMedians(Dictionary<string, List<Measurement>> results)
    {
        Console.WriteLine();
        Console.WriteLine("| file system | sequential write + fsync (MiB/s) | 4 KiB random reads (reads/s) | create + unlink (ops/s) |");
        Console.WriteLine("|---|---:|---:|---:|");
        var medians = results.ToDictionary(r => r.Key, r => Measurement.Median(r.Value));
        foreach ((string? name, Measurement? median) in medians)
        {
            Console.WriteLine($"| {name} | {F(median.SequentialMiBPerSecond)} | {F(median.ReadsPerSecond)} | {F(median.FileOpsPerSecond)} |");
        }
        if (medians.TryGetValue("lossyfs", out Measurement? lossy) && medians.TryGetValue("bindfs", out Measurement? bind))
        {
            double[] ratios = new[]
            {
                lossy.SequentialMiBPerSecond / bind.SequentialMiBPerSecond,
                lossy.ReadsPerSecond / bind.ReadsPerSecond,
                lossy.FileOpsPerSecond / bind.FileOpsPerSecond,
            };
            Console.WriteLine($"| LossyFs / bindfs (ratio of medians) | {R(ratios[0])} | {R(ratios[1])} | {R(ratios[2])} |");

            // Each run measures both back to back, so its ratio is less exposed to load that drifts
            // over minutes on a shared machine than the ratio of medians taken across runs.
            var perRun = results["lossyfs"].Zip(results["bindfs"], (l, b) => new Measurement(
                l.SequentialMiBPerSecond / b.SequentialMiBPerSecond, l.ReadsPerSecond / b.ReadsPerSecond, l.FileOpsPerSecond / b.FileOpsPerSecond)).ToList();
            var median = Measurement.Median(perRun);
            Console.WriteLine($"| LossyFs / bindfs (median of per-run ratios) | {R(median.SequentialMiBPerSecond)} | {R(median.ReadsPerSecond)} | {R(median.FileOpsPerSecond)} |");
            Console.WriteLine("per-run ratios: " + string.Join("; ", perRun.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.SequentialMiBPerSecond:0.00}x {r.ReadsPerSecond:0.00}x {r.FileOpsPerSecond:0.00}x"))));
        }
    }

    private static string F(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string R(double ratio) =>
        ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x " + (ratio >= TargetRatio ? "(target met)" : "(below 0.8x)");
}

/// <summary>One run's three figures.</summary>
internal sealed record Measurement(double SequentialMiBPerSecond, double ReadsPerSecond, double FileOpsPerSecond)
{
    public static Measurement Median(IReadOnlyList<Measurement> runs) => new(
        Statistics.Median(runs.Select(r => r.SequentialMiBPerSecond)),
        Statistics.Median(runs.Select(r => r.ReadsPerSecond)),
        Statistics.Median(runs.Select(r => r.FileOpsPerSecond)));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"sequential {SequentialMiBPerSecond,8:N1} MiB/s   random reads {ReadsPerSecond,9:N0}/s   create+unlink {FileOpsPerSecond,8:N0} ops/s");
}

/// <summary>Command-line options of the harness.</summary>
internal sealed record HarnessOptions(string WorkDirectory, int Runs, long SequentialMiB, int ReadCount, int FileCount, ulong Seed, string[] FileSystems, int LossyFsThreads = 4)
{
    public static HarnessOptions? Parse(string[] args)
    {
        var options = new HarnessOptions(Path.Combine("/var/tmp", "writeback-lossyfs-bench"), 3, 256, 20_000, 10_000, 42, ["bindfs", "lossyfs"]);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            options = args[i] switch
            {
                "--work-dir" => options with { WorkDirectory = Path.GetFullPath(value) },
                "--runs" => options with { Runs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--sequential-mib" => options with { SequentialMiB = long.Parse(value, CultureInfo.InvariantCulture) },
                "--reads" => options with { ReadCount = int.Parse(value, CultureInfo.InvariantCulture) },
                "--files" => options with { FileCount = int.Parse(value, CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = ulong.Parse(value, CultureInfo.InvariantCulture) },
                "--only" => options with { FileSystems = [value] },
                "--lossyfs-threads" => options with { LossyFsThreads = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => null,
            };
            if (options is null)
            {
                return null;
            }
        }
        return args.Length % 2 == 0 ? options : null;
    }
}
