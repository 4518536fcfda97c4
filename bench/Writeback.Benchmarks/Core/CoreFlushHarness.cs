using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// <c>core-flush</c>: the core library's flush strategies (issue 2, S1-S4) side by side with the
/// raw system calls through P/Invoke and with System.IO.MemoryMappedFiles, in one process and one
/// run, interleaved; prints medians, p90s and a PASS/MISS line per target.
/// </summary>
public sealed class CoreFlushHarness : IHarness
{
    /// <inheritdoc/>
    public string Name => "core-flush";

    /// <inheritdoc/>
    public string Description => "issue 2 S1-S4: MappedFile flushes vs raw msync/sync_file_range vs MemoryMappedViewAccessor";

    /// <inheritdoc/>
    public int Run(string[] args)
    {
        CoreFlushOptions options;
        try
        {
            options = CoreFlushOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"core-flush: {e.Message}\n{CoreFlushOptions.Usage}");
            return 2;
        }
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("core-flush: measures Linux system calls (msync, sync_file_range, cachestat); run it on Linux");
            return 2;
        }
        var (fileSystemType, source) = BenchFiles.MountOf(options.DirectoryPath);
        if (fileSystemType is "tmpfs" or "ramfs")
        {
            Console.Error.WriteLine($"core-flush: '{options.DirectoryPath}' is on {fileSystemType}, where flushes write nothing; pass --dir on a real disk (e.g. /var/tmp)");
            return 2;
        }
        Directory.CreateDirectory(options.DirectoryPath);

        var environment = RunEnvironment.Capture(options, fileSystemType, source);
        Console.WriteLine(environment.Describe());
        var results = new List<ScenarioResult>();
        using (var workspace = new BenchWorkspace(options.DirectoryPath, options.CreateWriteBytes))
        {
            foreach (var scenario in options.Scenarios)
            {
                Console.WriteLine($"running {scenario} …");
                results.Add(scenario switch
                {
                    "S1" => S1CommitOnePage.Run(options, workspace),
                    "S2" => S2AppendAndFlush.Run(options, workspace),
                    "S3" => S3StartWriteback.Run(options, workspace),
                    _ => S4GroupCommit.Run(options, workspace),
                });
            }
        }
        environment = environment with { LoadAverageAfter = RunEnvironment.ReadLoadAverage() };
        Console.WriteLine();
        Console.WriteLine(ResultTable.Format(results));
        Console.WriteLine($"load average after: {environment.LoadAverageAfter}");
        if (options.JsonPath is { } jsonPath)
        {
            WriteJson(jsonPath, environment, results);
        }
        return 0;
    }

    private static void WriteJson(string jsonPath, RunEnvironment environment, List<ScenarioResult> results)
    {
        var document = new
        {
            environment,
            measurements = results.SelectMany(r => r.Measurements).Select(m => new
            {
                m.Scenario, m.Implementation, m.Metric, m.Unit, m.Median, m.P90, m.Count, m.Samples,
            }),
            targets = results.SelectMany(r => r.Targets).Select(t => new
            {
                t.Scenario, t.Target, t.Measured, t.Threshold, t.Unit, comparison = t.AtMost ? "<=" : ">=", t.Verdict,
            }),
            notes = results.SelectMany(r => r.Notes),
        };
        var json = JsonSerializer.Serialize(document, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file for people and scripts, never embedded in HTML
        });
        if (jsonPath == "-")
        {
            Console.WriteLine(json);
        }
        else
        {
            File.WriteAllText(jsonPath, json);
            Console.WriteLine($"wrote {jsonPath}");
        }
    }
}

/// <summary>What the run was measured on: machine, kernel, file system, load, writeback tunables.</summary>
internal sealed record RunEnvironment(
    string StartedUtc, string Machine, string Kernel, string Runtime, int ProcessorCount, string Directory,
    string FileSystem, string Mode, string LoadAverageBefore, string? LoadAverageAfter, string DirtyTunables)
{
    public static RunEnvironment Capture(CoreFlushOptions options, string fileSystemType, string source)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown cpu";
        var memory = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown memory";
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
            string.Join(" ", new[] { "dirty_background_ratio", "dirty_ratio", "dirty_expire_centisecs", "dirty_writeback_centisecs" }.Select(Tunable)));
    }

    /// <summary>The first three fields of /proc/loadavg, as uptime prints them.</summary>
    public static string ReadLoadAverage() => string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public string Describe() =>
        $"core-flush ({Mode}), {StartedUtc}\n" +
        $"machine: {Machine}, {ProcessorCount} cpus; kernel {Kernel}; {Runtime}\n" +
        $"directory: {Directory} ({FileSystem}); vm: {DirtyTunables}\n" +
        $"load average before: {LoadAverageBefore}";
}
