using ScottPlot;

namespace Writeback.Cli.Commands.Bench;

/// <summary>The PNG chart of a bench run: per strategy, horizontal bars for median, p90 and p99 latency.</summary>
internal static class BenchChart
{
    /// <summary>Draws the chart and saves it as PNG.</summary>
    /// <param name="report">The run.</param>
    /// <param name="path">The PNG file.</param>
    public static void Save(BenchReport report, string path)
    {
        var plot = new Plot();
        var series = new (string Label, Func<BenchStatistics, double> Value, Color Color)[]
        {
            ("median", s => s.MedianMs, Colors.SteelBlue),
            ("p90", s => s.P90Ms, Colors.Orange),
            ("p99", s => s.P99Ms, Colors.FireBrick),
        };
        int strategyCount = report.Results.Count;
        const double barSize = 0.26;
        for (int s = 0; s < series.Length; s++)
        {
            var bars = new List<Bar>();
            for (int i = 0; i < strategyCount; i++)
            {
                // Top to bottom in table order.
                double position = (strategyCount - 1 - i) + ((1 - s) * barSize);
                bars.Add(new Bar
                {
                    Position = position,
                    Value = series[s].Value(report.Results[i].Latency),
                    Size = barSize,
                    FillColor = series[s].Color,
                    LineWidth = 0,
                    Label = s == 0 ? FormattableString.Invariant($"{series[s].Value(report.Results[i].Latency):0.###} ms") : "",
                });
            }

            var plottable = plot.Add.Bars(bars);
            plottable.Horizontal = true;
            plottable.LegendText = series[s].Label;
        }

        double[] positions = [.. Enumerable.Range(0, strategyCount).Select(i => (double)(strategyCount - 1 - i))];
        string[] labels = [.. report.Results.Select(r => $"{r.Name} [{r.Api}]")];
        plot.Axes.Left.SetTicks(positions, labels);
        plot.Axes.Margins(left: 0, right: 0.05, bottom: 0.02, top: 0.02);
        plot.XLabel("latency per commit (ms)");
        plot.Title($"writeback bench: {report.FileSystem} under {report.Directory}, {report.Workload.FileBytes >> 20} MiB files, "
                   + $"{report.Workload.BackgroundDirtyPages} pages dirtied elsewhere per commit");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 1400, 120 + (70 * strategyCount));
    }
}
