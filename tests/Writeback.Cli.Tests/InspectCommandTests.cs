using System.Text.Json;

namespace Writeback.Cli.Tests;

/// <summary>
/// writeback inspect on real files: the page-cache state comes from cachestat(2) through the
/// library, so these tests need Linux 6.5 or later and skip with that reason elsewhere.
/// </summary>
public class InspectCommandTests
{
    private static readonly Lazy<string?> s_cachestatMissing = new(() =>
    {
        if (!OperatingSystem.IsLinux())
        {
            return "MappedFile is Linux-only";
        }

        using var directory = new TempDirectory();
        try
        {
            using var file = MappedFile.Open(directory.File("probe"), new MappedFileOptions { Length = 4096 });
            file.GetPageCacheState(0, 4096);
            return null;
        }
        catch (PlatformNotSupportedException e)
        {
            return "cachestat(2) unavailable: " + e.Message;
        }
    });

    private static void SkipWithoutCachestat() => Skip.If(s_cachestatMissing.Value is not null, s_cachestatMissing.Value);

    [SkippableFact]
    public void Shows_dirty_pages_after_writes_and_none_after_a_flush()
    {
        SkipWithoutCachestat();
        using var directory = new TempDirectory();
        string path = directory.File("data.bin");
        const int pageSize = 4096;
        using var file = MappedFile.Open(path, new MappedFileOptions { Length = 64 * pageSize });
        file.Flush();

        // Another process's sync(2) on this shared machine can clean the pages between the stores
        // and the inspection; store again and retry (a broken inspect fails every attempt).
        CliRun dirty = default!;
        long dirtyPages = 0;
        for (int attempt = 0; attempt < 3 && dirtyPages == 0; attempt++)
        {
            for (int pageIndex = 0; pageIndex < 64; pageIndex += 4)
            {
                file.Write(pageIndex * (long)pageSize, [1, 2, (byte)attempt]);
            }

            dirty = CliRun.Of("inspect", path, "--json");
            Assert.True(dirty.ExitCode == ExitCodes.Ok, dirty.ToString());
            using var json = JsonDocument.Parse(dirty.StandardOutput);
            dirtyPages = json.RootElement.GetProperty("totals").GetProperty("dirtyPages").GetInt64();
            Assert.Equal(64, json.RootElement.GetProperty("pageCount").GetInt64());
            if (dirtyPages > 0)
            {
                Assert.InRange(dirtyPages, 1, 16);
                Assert.Equal("Dirty", json.RootElement.GetProperty("chunks")[0].GetProperty("kind").GetString());
            }
        }

        Assert.True(dirtyPages > 0, dirty.StandardOutput);

        file.Flush();

        var clean = CliRun.Of("inspect", path, "--json");
        Assert.Equal(ExitCodes.Ok, clean.ExitCode);
        using (var json = JsonDocument.Parse(clean.StandardOutput))
        {
            Assert.Equal(0, json.RootElement.GetProperty("totals").GetProperty("dirtyPages").GetInt64());
            Assert.Equal(64, json.RootElement.GetProperty("totals").GetProperty("cachedPages").GetInt64());
        }
    }

    [SkippableFact]
    public void Human_output_has_the_totals_and_a_map_row_per_64_cells()
    {
        SkipWithoutCachestat();
        using var directory = new TempDirectory();
        string path = directory.File("map.bin");
        using var file = MappedFile.Open(path, new MappedFileOptions { Length = 100 * 4096 });
        CliRun run = default!;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            // Retried because another process's sync(2) may clean the page before the inspection.
            file.Write(0, [7, (byte)attempt]);
            run = CliRun.Of("inspect", path);
            Assert.Equal(ExitCodes.Ok, run.ExitCode);
            if (run.Console.Contains(" D", StringComparison.Ordinal))
            {
                break;
            }
        }

        Assert.Contains("dirty", run.Console);
        Assert.Contains("map (one cell = one page", run.Console);
        string[] mapRows = run.Console.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+ [D#W+e.]+\s*$")).ToArray();
        Assert.Equal(2, mapRows.Length);
        Assert.StartsWith("D", mapRows[0].Trim().Split(' ')[1]);
    }

    [SkippableFact]
    public void Range_options_select_pages_and_watch_stops_after_count()
    {
        SkipWithoutCachestat();
        using var directory = new TempDirectory();
        string path = directory.File("range.bin");
        using (MappedFile.Open(path, new MappedFileOptions { Length = 10 * 4096 + 100 }))
        {
        }

        var run = CliRun.Of("inspect", path, "--offset", "8192", "--length", "32868", "--watch", "--count", "3",
                               "--interval-ms", "10", "--json");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        string[] lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using var json = JsonDocument.Parse(lines[0]);
        Assert.Equal(9, json.RootElement.GetProperty("pageCount").GetInt64()); // pages 2..10, the last one partial
        Assert.Equal(2, json.RootElement.GetProperty("chunks")[0].GetProperty("firstPageIndex").GetInt64());
    }

    [SkippableFact]
    public void Range_past_the_end_is_a_usage_error()
    {
        SkipWithoutCachestat();
        using var directory = new TempDirectory();
        string path = directory.File("short.bin");
        File.WriteAllBytes(path, new byte[5000]);
        var run = CliRun.Of("inspect", path, "--offset", "4096", "--length", "4096");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("past the end", run.StandardError);
        Assert.Contains("5000 bytes", run.StandardError);
    }

    [SkippableFact]
    public void Json_to_a_file_keeps_the_human_output()
    {
        SkipWithoutCachestat();
        using var directory = new TempDirectory();
        string path = directory.File("f.bin");
        File.WriteAllBytes(path, new byte[3 * 4096]);
        string jsonPath = directory.File("out/inspect.json");
        var run = CliRun.Of("inspect", path, "--json", jsonPath);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("cached", run.Console);
        Assert.Equal("", run.StandardOutput);
        using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
        Assert.Equal(3, json.RootElement.GetProperty("pageCount").GetInt64());
    }
}

public class InspectWatchCancellationTests
{
    [SkippableFact]
    public void Watch_stops_on_cancellation_with_exit_0()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "MappedFile is Linux-only");
        using var directory = new TempDirectory();
        string path = directory.File("watched.bin");
        File.WriteAllBytes(path, new byte[8192]);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var run = CliRun.Of(cancellation.Token, "inspect", path, "--watch", "--interval-ms", "50");
        Skip.If(run.StandardError.Contains("cachestat", StringComparison.Ordinal), run.StandardError);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("Ctrl+C to stop", run.Console);
    }
}
