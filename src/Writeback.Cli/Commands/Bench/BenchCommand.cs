using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Bench;

/// <summary>
/// <c>writeback bench</c>: what durability costs on the file system under a directory, per
/// strategy: the library's calls against .NET's <c>MemoryMappedViewAccessor.Flush</c> and the raw
/// system calls; a table of medians and percentiles, a PNG chart and a JSON report.
/// </summary>
internal sealed class BenchCommand(CliOutput output) : OutputCommand<BenchSettings>(output)
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, BenchSettings settings, CancellationToken cancellationToken)
    {
        string directory = Path.GetFullPath(settings.Directory ?? Environment.CurrentDirectory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new UsageException($"bench: directory '{directory}' does not exist.");
        }

        BenchWorkload workload = settings.ToWorkload();
        IReadOnlyList<BenchStrategy> strategies = Select(settings);
        BenchResult[] results = Measure(strategies, workload, directory, settings.JsonToStandardOutput, cancellationToken);

        string? chartPath = settings.FullChartPath();
        var report = new BenchReport(WritebackCli.Version, DateTimeOffset.UtcNow, directory, FileSystemOf(directory),
                                     Environment.OSVersion.VersionString, Environment.ProcessorCount, workload, results,
                                     chartPath, chartPath is null ? null : Path.ChangeExtension(chartPath, ".json"));
        if (chartPath is not null)
        {
            JsonOutput.CreateDirectoryOf(chartPath);
            BenchChart.Save(report, chartPath);
            JsonOutput.WriteFile(report.JsonPath!, JsonOutput.Serialize(report));
        }

        if (!settings.JsonToStandardOutput)
        {
            Output.Console.Write(Render(report));
            if (chartPath is not null)
            {
                // One path per line, never wrapped: a path broken over two lines cannot be copied.
                Output.WriteWholeLine($"chart: {chartPath}");
                Output.WriteWholeLine($"json:  {report.JsonPath}");
            }
        }

        JsonOutput.Write(settings.Json, Output, report);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Runs every strategy <see cref="BenchWorkload.Rounds"/> times, in turn, forward then backward
    /// and so on, so that a change of load on the machine does not fall on one strategy only.
    /// </summary>
    private BenchResult[] Measure(IReadOnlyList<BenchStrategy> strategies, BenchWorkload workload, string directory,
                                  bool jsonToStandardOutput, CancellationToken cancellationToken)
    {
        List<BenchSample>[] rounds = strategies.Select(_ => new List<BenchSample>()).ToArray();
        BenchWorkload round = workload with { Iterations = workload.IterationsPerRound };
        WithProgress(jsonToStandardOutput, progress =>
        {
            ProgressTask?[] tasks = [.. strategies.Select(s => progress?.AddTask(Markup.Escape(s.Name), maxValue: 1))];
            for (int r = 0; r < workload.Rounds; r++)
            {
                for (int k = 0; k < strategies.Count; k++)
                {
                    int i = r % 2 == 0 ? k : strategies.Count - 1 - k;
                    ProgressTask? task = tasks[i];
                    int done = r;
                    rounds[i].Add(BenchRunner.Run(strategies[i], round, directory,
                                                  f => task?.Value = (done + f) / workload.Rounds, cancellationToken));
                }
            }
        });
        return [.. strategies.Select((s, i) => BenchResult.Of(s, rounds[i]))];
    }

    private static IReadOnlyList<BenchStrategy> Select(BenchSettings settings)
    {
        IReadOnlyList<BenchStrategy> all = BenchStrategies.All(settings.Concurrency);
        if (settings.Strategies.Length == 0)
        {
            return all;
        }

        BenchStrategy[] chosen = [.. all.Where(s => settings.Strategies.Any(n => s.Name.Contains(n, StringComparison.OrdinalIgnoreCase)))];
        return chosen.Length > 0
            ? chosen
            : throw new UsageException($"bench: no strategy matches {string.Join(", ", settings.Strategies.Select(n => $"'{n}'"))}; "
                                       + $"the strategies are: {string.Join(", ", all.Select(s => s.Name))}.");
    }

    private static string FileSystemOf(string directory)
    {
        try
        {
            return new DriveInfo(directory).DriveFormat;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static Rows Render(BenchReport report)
    {
        BenchWorkload w = report.Workload;
        Table table = new Table().Border(TableBorder.Rounded)
            .Title($"writeback bench: {Markup.Escape(report.FileSystem)} under {Markup.Escape(report.Directory)}")
            .Caption($"latency per commit in ms; [green]Writeback[/], [yellow].NET[/], [grey]raw system call[/]\n"
                     + $"{w.FileBytes >> 20} MiB file per strategy; per commit: one {w.RecordBytes}-byte record plus "
                     + $"{w.BackgroundDirtyPages} pages dirtied elsewhere; {w.IterationsPerRound * w.Rounds} timed commits in {w.Rounds} round(s)");
        table.AddColumn(new TableColumn("strategy").NoWrap());
        table.AddColumn(new TableColumn("median").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("p90").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("p99").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("commits/s").RightAligned().NoWrap());
        Grid guarantees = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (BenchResult r in report.Results)
        {
            string colour = ColourOf(r.Api);
            table.AddRow(
                $"[{colour}]{Markup.Escape(r.Name)}[/]",
                Ms(r.Latency.MedianMs),
                Ms(r.Latency.P90Ms),
                Ms(r.Latency.P99Ms),
                r.CommitsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
            guarantees.AddRow($"[{colour}]{Markup.Escape(r.Name)}[/]", Markup.Escape(r.Guarantee));
        }

        var rows = new List<Spectre.Console.Rendering.IRenderable>
        {
            table,
            new Markup("[bold]guaranteed when the call returns[/]"),
            guarantees,
        };
        return new Rows(rows);
    }

    private static string ColourOf(string api) => api switch { "Writeback" => "green", ".NET" => "yellow", _ => "grey" };

    private static string Ms(double milliseconds) =>
        milliseconds.ToString(milliseconds switch { < 0.01 => "0.0000", < 1 => "0.000", _ => "0.00" }, CultureInfo.InvariantCulture);
}
