using System.Globalization;
using System.Text;

namespace Writeback.Benchmarks.Core;

/// <summary>Formats the measurements and the target verdicts as two plain-text tables (also valid Markdown).</summary>
internal static class ResultTable
{
    public static string Format(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        AppendTable(text, ["scenario", "implementation", "metric", "median", "p90", "runs"],
            results.SelectMany(r => r.Measurements).Select(m => new[]
            {
                m.Scenario, m.Implementation, m.Metric, $"{Number(m.Median)} {m.Unit}", $"{Number(m.P90)} {m.Unit}",
                m.Count.ToString(CultureInfo.InvariantCulture),
            }));
        text.AppendLine();
        AppendTable(text, ["scenario", "target", "measured", "bound", "verdict"],
            results.SelectMany(r => r.Targets).Select(t => new[]
            {
                t.Scenario, t.Target, $"{Number(t.Measured)} {t.Unit}", $"{(t.AtMost ? "<=" : ">=")} {Number(t.Threshold)} {t.Unit}", t.Verdict,
            }));
        text.AppendLine().Append("Ratios are medians of per-round ratios (each round runs every arm once, back to back).");
        foreach (string? note in results.SelectMany(r => r.Notes))
        {
            text.AppendLine().Append(note);
        }
        return text.ToString();
    }

    /// <summary>Three significant digits, at least; no exponent.</summary>
    private static string Number(double value) => value switch
    {
        double.NaN => "n/a",
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00#", CultureInfo.InvariantCulture),
    };

    private static void AppendTable(StringBuilder text, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        int[] widths = header.Select((_, column) => all.Max(r => r[column].Length)).ToArray();
        void AppendRow(IEnumerable<string> cells) => text.Append("| ").AppendJoin(" | ", cells).AppendLine(" |");
        AppendRow(header.Select((h, column) => h.PadRight(widths[column])));
        AppendRow(widths.Select(w => new string('-', w)));
        foreach (string[]? row in all.Skip(1))
        {
            AppendRow(row.Select((cell, column) => cell.PadRight(widths[column])));
        }
    }
}
