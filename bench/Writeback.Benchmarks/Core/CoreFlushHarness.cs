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
    public string Description => "S1-S4, first-call S3, thread count: MappedFile flushes vs raw msync/sync_file_range vs MemoryMappedViewAccessor";

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
        (string? fileSystemType, string? source) = BenchFiles.MountOf(options.DirectoryPath);
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
            foreach (string scenario in options.Scenarios)
            {
                Console.WriteLine($"running {scenario} …");
                results.Add(scenario switch
                {
                    "S1" => S1CommitOnePage.Run(options, workspace),
                    "S2" => S2AppendAndFlush.Run(options, workspace),
                    "S3" => S3StartWriteback.Run(options, workspace),
                    "S3first" => S3FirstCall.Run(options, workspace),
                    "Threads" => ThreadCount.Run(options, workspace),
                    _ => S4GroupCommit.Run(options, workspace),
                });
            }
        }
        environment = environment with { LoadAverageAfter = RunEnvironment.ReadLoadAverage(), IoPressureAfter = RunEnvironment.ReadIoPressure() };
        Console.WriteLine();
        Console.WriteLine(ResultTable.Format(results));
        Console.WriteLine($"load average after: {environment.LoadAverageAfter}; I/O pressure after: {environment.IoPressureAfter}");
        Console.WriteLine($"durability engine: {MappedFile.DurabilityEngineName}");
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
        string json = JsonSerializer.Serialize(document, new JsonSerializerOptions
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
