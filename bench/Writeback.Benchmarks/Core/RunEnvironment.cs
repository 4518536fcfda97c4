using System.Globalization;
using System.Runtime.InteropServices;

namespace Writeback.Benchmarks.Core;

/// <summary>What the run was measured on: machine, kernel, file system, load, writeback tunables.</summary>
internal sealed record RunEnvironment(
    string StartedUtc, string Machine, string Kernel, string Runtime, int ProcessorCount, string Directory,
    string FileSystem, string Mode, string LoadAverageBefore, string? LoadAverageAfter, string IoPressureBefore,
    string? IoPressureAfter, string DirtyTunables)
{
    public static RunEnvironment Capture(CoreFlushOptions options, string fileSystemType, string source)
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown cpu";
        string memory = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown memory";
        string Tunable(string name) => $"{name}={File.ReadAllText($"/proc/sys/vm/{name}").Trim()}";
        return new RunEnvironment(
            DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            $"{cpu}, {memory}",
            $"{File.ReadAllText("/proc/sys/kernel/osrelease").Trim()} ({RuntimeInformation.OSDescription})",
            RuntimeInformation.FrameworkDescription,
            Environment.ProcessorCount,
            Path.GetFullPath(options.DirectoryPath),
            $"{fileSystemType} on {source}",
            (options.Quick ? "quick (smoke run, not the targets' measurement)" : "full") + $", files written in {options.CreateWriteBytes}-byte writes",
            ReadLoadAverage(),
            null,
            ReadIoPressure(),
            null,
            string.Join(" ", new[] { "dirty_background_ratio", "dirty_ratio", "dirty_expire_centisecs", "dirty_writeback_centisecs" }.Select(Tunable)));
    }

    /// <summary>The first three fields of /proc/loadavg, as uptime prints them.</summary>
    public static string ReadLoadAverage() => string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>
    /// The share of time some task waited for I/O over the last 10 and 60 s (/proc/pressure/io,
    /// PSI): on this shared machine the other engineers' fsyncs, not the CPU load, decide how long
    /// a one-page msync takes (0.3 ms quiet, up to ~17 ms under their I/O).
    /// </summary>
    public static string ReadIoPressure()
    {
        const string path = "/proc/pressure/io";
        if (!File.Exists(path))
        {
            return "n/a (no PSI)";
        }
        string[] fields = File.ReadLines(path).First().Split(' ');
        return string.Join(" ", fields.Where(f => f.StartsWith("avg10=", StringComparison.Ordinal) || f.StartsWith("avg60=", StringComparison.Ordinal))) + " (% of time some task waited for I/O)";
    }

    public string Describe() =>
        $"core-flush ({Mode}), {StartedUtc}\n" +
        $"machine: {Machine}, {ProcessorCount} cpus; kernel {Kernel}; {Runtime}\n" +
        $"directory: {Directory} ({FileSystem}); vm: {DirtyTunables}\n" +
        $"load average before: {LoadAverageBefore}; I/O pressure before: {IoPressureBefore}";
}
