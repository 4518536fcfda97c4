using System.Text.Json;
using Writeback.Cli.Commands.Bench;

namespace Writeback.Cli.Tests;

public class BenchCommandTests
{
    [SkippableFact]
    public void Quick_run_measures_every_strategy_and_writes_json_and_png()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the library's MappedFile and the raw calls are Linux-only");
        using var directory = new TempDirectory();
        string chart = directory.File("out/writeback-bench.png");
        var run = CliRun.Of("bench", "--quick", "--dir", directory.Path, "--size", "2", "--iterations", "5",
                               "--dirty-pages", "4", "--out", directory.File("out"));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("Flush(range)", run.Console);
        Assert.Contains("MemoryMappedViewAccessor.Flush()", run.Console);
        Assert.Contains("guaranteed when the call returns", run.Console);
        // Both paths, each whole on its own line.
        string[] lines = run.Console.Split('\n');
        Assert.Contains($"chart: {chart}", lines);
        Assert.Contains($"json:  {Path.ChangeExtension(chart, ".json")}", lines);

        byte[] png = File.ReadAllBytes(chart);
        Assert.True(png.Length > 1000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(chart, ".json")));
        JsonElement results = json.RootElement.GetProperty("results");
        Assert.Equal(BenchStrategies.All(4).Count, results.GetArrayLength());
        foreach (JsonElement result in results.EnumerateArray())
        {
            JsonElement latency = result.GetProperty("latency");
            int expectedSamples = 5 * result.GetProperty("concurrency").GetInt32();
            Assert.Equal(expectedSamples, latency.GetProperty("sampleCount").GetInt32());
            Assert.True(latency.GetProperty("minMs").GetDouble() <= latency.GetProperty("medianMs").GetDouble());
            Assert.True(latency.GetProperty("medianMs").GetDouble() <= latency.GetProperty("p99Ms").GetDouble());
            Assert.True(result.GetProperty("commitsPerSecond").GetDouble() > 0);
        }

        Assert.Equal(2L << 20, json.RootElement.GetProperty("workload").GetProperty("fileBytes").GetInt64());
        // Every strategy's file was deleted; only the outputs are left.
        Assert.Empty(Directory.GetFiles(directory.Path, ".writeback-bench-*"));
    }

    [SkippableFact]
    public void Json_to_stdout_replaces_the_table()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the library's MappedFile and the raw calls are Linux-only");
        using var directory = new TempDirectory();
        var run = CliRun.Of("bench", "--dir", directory.Path, "--size", "1", "--iterations", "3", "--strategy", "msync",
                               "--strategy", "Flush(range)", "--no-chart", "--json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("", run.Console);
        using var json = JsonDocument.Parse(run.StandardOutput);
        string[] names = [.. json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("name").GetString()!)];
        Assert.Equal(["Flush(range)", "msync(MS_SYNC, range)"], names);
        Assert.Empty(Directory.GetFiles(directory.Path));
    }

    [SkippableFact]
    public void A_directory_where_no_file_can_be_created_names_the_system_call_the_file_and_errno()
    {
        Skip.IfNot(Directory.Exists("/proc/self"), "needs procfs, where open(O_CREAT) fails with ENOENT");
        var run = CliRun.Of("bench", "--dir", "/proc", "--strategy", "msync", "--size", "1", "--iterations", "1", "--no-chart");
        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Matches(@"^writeback: bench: open\(O_CREAT\|O_EXCL\) failed on '/proc/\.writeback-bench-[^']+\.dat': ENOENT \(No such file or directory\)$",
                       run.StandardError.TrimEnd());
    }

    [Fact]
    public void The_chart_and_json_go_to_the_current_directory_unless_out_says_otherwise()
    {
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "writeback-bench.png"),
                     new BenchSettings { Directory = "/somewhere/else" }.FullChartPath());
        Assert.Equal("/results/writeback-bench.png", new BenchSettings { OutDirectory = "/results" }.FullChartPath());
        Assert.Equal("/results/nvme.png", new BenchSettings { OutDirectory = "/results", ChartPath = "nvme.png" }.FullChartPath());
        Assert.Null(new BenchSettings { NoChart = true }.FullChartPath());
    }

    [Fact]
    public void The_chart_reads_alone_log_axis_every_bar_visible_durability_marked_sample_count_in_title()
    {
        // A fast not-durable call next to slow durable ones, as sync_file_range(WRITE) beside fdatasync.
        BenchResult Result(string name, bool durable, double medianMs, int samples) => new(
            name, "raw syscall", "…", durable, 1, new BenchStatistics(samples, medianMs, medianMs * 2, medianMs * 40, medianMs, medianMs / 2, medianMs * 50), 1);
        var report = new BenchReport("0", DateTimeOffset.UnixEpoch, "/data", "ext4", "Linux", 2,
                                     new BenchWorkload(8 << 20, 4096, 32, 40, 3, 4, 4096, 1),
                                     [Result("fdatasync(fd)", true, 2.5, 40), Result("sync_file_range(WRITE)", false, 0.0009, 40)], null, null);

        BenchChart.Layout layout = BenchChart.Describe(report);

        Assert.Contains("40 commits per strategy", layout.Title);
        Assert.Contains("log scale", layout.AxisLabel);
        Assert.Contains("p99", layout.AxisLabel);
        // Every bar starts at least 0.3 decades below its median, so the shortest is still visible.
        Assert.All(layout.Rows, r => Assert.True(Math.Log10(r.MedianMs) - Math.Log10(layout.AxisMinMs) >= 0.3, r.ToString()));
        Assert.DoesNotContain("NOT durable", layout.Rows[0].Label);
        Assert.Contains("NOT durable", layout.Rows[1].Label);
        Assert.False(layout.Rows[1].Durable);
    }

    [Theory]
    [InlineData("--size", "0")]
    [InlineData("--iterations", "0")]
    [InlineData("--concurrency", "0")]
    [InlineData("--rounds", "0")]
    [InlineData("--chart", "bench.svg")]
    [InlineData("--strategy", "no-such-strategy")]
    [InlineData("--dir", "/no/such/directory/for/writeback")]
    public void Bad_options_are_usage_errors(string option, string value)
    {
        var run = CliRun.Of("bench", option, value);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Single(run.StandardError.TrimEnd().Split('\n'));
    }

    [SkippableFact]
    public void Rounds_pool_their_samples()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the library's MappedFile and the raw calls are Linux-only");
        using var directory = new TempDirectory();
        var run = CliRun.Of("bench", "--dir", directory.Path, "--size", "1", "--iterations", "5", "--rounds", "2",
                               "--strategy", "FlushAsync", "--strategy", "fdatasync", "--concurrency", "2", "--no-chart", "--json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.Equal(2, json.RootElement.GetProperty("workload").GetProperty("rounds").GetInt32());
        var samples = json.RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("latency").GetProperty("sampleCount").GetInt32());
        // 5 iterations over 2 rounds: 3 per round, 6 in all; per committer for FlushAsync.
        Assert.Equal(new Dictionary<string, int> { ["FlushAsync(range) x2"] = 12, ["fdatasync(fd)"] = 6 }, samples);
    }

    [Theory]
    [InlineData(new double[] { 5 }, 5, 5, 5)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2, 4, 4)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 5, 9, 10)]
    public void Percentiles_are_nearest_rank(double[] samples, double median, double p90, double p99)
    {
        var statistics = BenchStatistics.Of(samples);
        Assert.Equal(median, statistics.MedianMs);
        Assert.Equal(p90, statistics.P90Ms);
        Assert.Equal(p99, statistics.P99Ms);
        Assert.Equal(samples.Min(), statistics.MinMs);
        Assert.Equal(samples.Max(), statistics.MaxMs);
    }

    [Fact]
    public void Workload_offsets_stay_in_their_half_of_the_file()
    {
        var workload = new BenchWorkload(1 << 20, 4096, 8, 10, 1, 4, 4096);
        for (long i = 0; i < 1000; i++)
        {
            long record = workload.RecordOffsetBytes(i);
            long background = workload.BackgroundOffsetBytes(i);
            Assert.InRange(record, 0, (1 << 19) - 4096);
            Assert.Equal(0, record % 4096);
            Assert.InRange(background, 1 << 19, (1 << 20) - 4096);
        }
    }
}
