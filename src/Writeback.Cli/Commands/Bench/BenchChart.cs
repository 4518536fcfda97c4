using System.Globalization;
using ScottPlot;
using ScottPlot.Plottables;
using ScottPlot.TickGenerators;

namespace Writeback.Cli.Commands.Bench;

/// <summary>
/// The PNG chart of a bench run, made to be read without the table: per strategy a bar to its
/// median latency on a logarithmic axis (medians from microseconds to tens of milliseconds stay
/// comparable, and no bar is too short to see), a whisker from p90 to p99, and the bar's colour and
/// label saying whether the strategy makes the record durable.
/// </summary>
internal static class BenchChart
{
    private static readonly Color s_durable = Colors.SeaGreen;
    private static readonly Color s_notDurable = Colors.DarkOrange;

    /// <summary>What the chart shows, apart from its drawing: tested without decoding the PNG.</summary>
    /// <param name="Title">The title, with the file system, the workload and the sample count.</param>
    /// <param name="AxisLabel">The value axis's label.</param>
    /// <param name="AxisMinMs">Where every bar starts: a power of ten below the fastest median.</param>
    /// <param name="Rows">One row per strategy, top to bottom.</param>
    internal sealed record Layout(string Title, string AxisLabel, double AxisMinMs, IReadOnlyList<Row> Rows);

    /// <summary>One strategy's bar and whisker.</summary>
    /// <param name="Label">The tick label: name, API, whether it is durable, median.</param>
    /// <param name="Durable">Whether the record is durable when the call returns.</param>
    /// <param name="MedianMs">The bar's end.</param>
    /// <param name="P90Ms">The whisker's start.</param>
    /// <param name="P99Ms">The whisker's end.</param>
    internal sealed record Row(string Label, bool Durable, double MedianMs, double P90Ms, double P99Ms);

    /// <summary>Lays the chart out.</summary>
    /// <param name="report">The run.</param>
    /// <returns>The layout.</returns>
    internal static Layout Describe(BenchReport report)
    {
        Row[] rows = [.. report.Results.Select(r => new Row(
            $"{r.Name} [{r.Api}]{(r.Durable ? "" : " NOT durable")}: {FormatMs(r.Latency.MedianMs)}", r.Durable, r.Latency.MedianMs, r.Latency.P90Ms, r.Latency.P99Ms))];
        // A timer tick is never 0 ms, but guard the logarithm anyway.
        double fastest = Math.Max(rows.Min(r => r.MedianMs), 1e-6);
        // At least 0.3 decades of bar below the fastest median: the shortest bar is still visible.
        double axisMinMs = Math.Pow(10, Math.Floor(Math.Log10(fastest) - 0.3));
        int[] samples = [.. report.Results.Select(r => r.Latency.SampleCount).Distinct().Order()];
        string sampleText = samples.Length == 1
            ? $"{samples[0]} commits per strategy"
            : $"{samples[0]}-{samples[^1]} commits per strategy";
        BenchWorkload w = report.Workload;
        string title = $"writeback bench on {report.FileSystem} ({report.Directory})\n{sampleText}, "
                       + $"{w.FileBytes >> 20} MiB file, {w.BackgroundDirtyPages} pages dirtied elsewhere per commit";
        return new Layout(title, "latency per commit, ms (log scale): bar = median, whisker = p90 to p99", axisMinMs, rows);
    }

    /// <summary>Draws the chart and saves it as PNG.</summary>
    /// <param name="report">The run.</param>
    /// <param name="path">The PNG file.</param>
    public static void Save(BenchReport report, string path)
    {
        Layout layout = Describe(report);
        var plot = new Plot();
        double axisBase = Math.Log10(layout.AxisMinMs);
        const double barSize = 0.6;
        var bars = new List<Bar>();
        for (int i = 0; i < layout.Rows.Count; i++)
        {
            Row row = layout.Rows[i];
            double position = layout.Rows.Count - 1 - i;   // top to bottom in table order
            bars.Add(new Bar
            {
                Position = position,
                ValueBase = axisBase,
                Value = Math.Log10(row.MedianMs),
                Size = barSize,
                FillColor = row.Durable ? s_durable : s_notDurable,
                LineWidth = 0,
            });
            LinePlot whisker = plot.Add.Line(Math.Log10(row.P90Ms), position, Math.Log10(row.P99Ms), position);
            whisker.Color = Colors.Black;
            whisker.LineWidth = 2;
            whisker.MarkerStyle = new MarkerStyle(MarkerShape.VerticalBar, 12, Colors.Black);
        }

        BarPlot plottable = plot.Add.Bars(bars);
        plottable.Horizontal = true;

        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "durable when it returns", FillColor = s_durable });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "NOT durable (starts or waits for I/O only)", FillColor = s_notDurable });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "whisker: p90 to p99", LineColor = Colors.Black, LineWidth = 2 });
        plot.ShowLegend(Edge.Bottom);

        double[] positions = [.. Enumerable.Range(0, layout.Rows.Count).Select(i => (double)(layout.Rows.Count - 1 - i))];
        plot.Axes.Left.SetTicks(positions, [.. layout.Rows.Select(r => r.Label)]);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = value => FormatMs(Math.Pow(10, value)),
        };
        double top = Math.Ceiling(Math.Log10(Math.Max(layout.Rows.Max(r => r.P99Ms), layout.AxisMinMs * 10)) + 0.3);
        plot.Axes.SetLimitsX(axisBase, top);
        plot.Axes.SetLimitsY(-0.6, layout.Rows.Count - 0.4);
        plot.XLabel(layout.AxisLabel);
        plot.Title(layout.Title, size: 15);
        plot.SavePng(path, 1400, 160 + (60 * layout.Rows.Count));
    }

    private static string FormatMs(double milliseconds) =>
        milliseconds.ToString(milliseconds switch { >= 1 => "0.##", >= 0.01 => "0.###", _ => "0.#####" }, CultureInfo.InvariantCulture) + " ms";
}
