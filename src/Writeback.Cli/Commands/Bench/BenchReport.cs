namespace Writeback.Cli.Commands.Bench;

/// <summary>The JSON document of <c>writeback bench</c>.</summary>
/// <param name="ToolVersion">The writeback version.</param>
/// <param name="TimestampUtc">When the run ended.</param>
/// <param name="Directory">Where the files were.</param>
/// <param name="FileSystem">The file system type of <paramref name="Directory"/>.</param>
/// <param name="Kernel">The kernel version.</param>
/// <param name="ProcessorCount">Logical processors.</param>
/// <param name="Workload">What was measured.</param>
/// <param name="Results">One entry per strategy.</param>
/// <param name="ChartPath">Where the PNG chart was written, if anywhere.</param>
/// <param name="JsonPath">Where this report was written next to the chart, if anywhere.</param>
internal sealed record BenchReport(string ToolVersion, DateTimeOffset TimestampUtc, string Directory, string FileSystem,
                                   string Kernel, int ProcessorCount, BenchWorkload Workload,
                                   IReadOnlyList<BenchResult> Results, string? ChartPath, string? JsonPath);

/// <summary>One strategy's measurement.</summary>
/// <param name="Name">The strategy.</param>
/// <param name="Api">Writeback, .NET or raw syscall.</param>
/// <param name="Guarantee">What holds when the call returns.</param>
/// <param name="Durable">Whether the record is durable when the call returns (on Linux).</param>
/// <param name="Concurrency">Committers at once.</param>
/// <param name="Latency">Latency statistics per commit.</param>
/// <param name="CommitsPerSecond">Commits per second of wall time over the whole loop (stores, background dirtying and commits).</param>
internal sealed record BenchResult(string Name, string Api, string Guarantee, bool Durable, int Concurrency, BenchStatistics Latency,
                                   double CommitsPerSecond)
{
    /// <summary>Pools the rounds of one strategy into its result.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="rounds">Its rounds; at least one commit in all.</param>
    /// <returns>The result.</returns>
    public static BenchResult Of(BenchStrategy strategy, IReadOnlyList<BenchSample> rounds)
    {
        double[] latenciesMs = [.. rounds.SelectMany(r => r.LatenciesMs)];
        double seconds = (double)rounds.Sum(r => r.ElapsedTicks) / System.Diagnostics.Stopwatch.Frequency;
        return new BenchResult(strategy.Name, strategy.Api, strategy.Guarantee, strategy.Durable, strategy.Concurrency,
                               BenchStatistics.Of(latenciesMs), latenciesMs.Length / Math.Max(seconds, 1e-9));
    }
}
