using System.Globalization;
using System.Net;
using System.Text;

namespace Writeback.Cli.Output;

/// <summary>One row of a report's verdict matrix: a program (scenario) under one model.</summary>
/// <param name="Program">The scenario or program.</param>
/// <param name="Report">The simulator's report for it under one model.</param>
internal sealed record HtmlMatrixRow(string Program, CrashReport Report);

/// <summary>A failure to show in full: where, the diagnosis, the page maps and the checker's output.</summary>
/// <param name="Program">The scenario or program.</param>
/// <param name="Model">The model's name.</param>
/// <param name="Failure">The failure.</param>
/// <param name="Reproduce">The command that reproduces it.</param>
/// <param name="CandidateOnly">Whether only the candidate model of a differential has it.</param>
internal sealed record HtmlFailure(string Program, string Model, CrashFailure Failure, string? Reproduce, bool CandidateOnly = false);

/// <summary>A differential's result for one program: what breaks only under the candidate, and the guarantee relied on.</summary>
/// <param name="Program">The program.</param>
/// <param name="Baseline">The baseline model's name.</param>
/// <param name="Candidate">The candidate model's name.</param>
/// <param name="CandidateOnly">Crash points (with kinds) that break only under the candidate, in words.</param>
/// <param name="BaselineOnly">Crash points that break only under the baseline, in words.</param>
/// <param name="ReliedOn">The guarantee the program relied on (a diagnosis rule), or null.</param>
internal sealed record HtmlDifferential(string Program, string Baseline, string Candidate, IReadOnlyList<string> CandidateOnly,
                                        IReadOnlyList<string> BaselineOnly, string? ReliedOn);

/// <summary>What an HTML report shows: the matrix, each failure, and for <c>whatif</c> the differential.</summary>
/// <param name="Command"><c>check</c>, <c>trace</c> or <c>whatif</c>.</param>
/// <param name="Title">The page's heading.</param>
/// <param name="Summary">One line under it (models, seed, states).</param>
/// <param name="Kinds">The crash kinds, in column order.</param>
/// <param name="Rows">The matrix rows.</param>
/// <param name="Failures">The failures shown in full.</param>
/// <param name="Differentials">Per program, the differential between two models (empty for a single model).</param>
internal sealed record HtmlReportContent(string Command, string Title, string Summary, IReadOnlyList<CrashKind> Kinds,
                                         IReadOnlyList<HtmlMatrixRow> Rows, IReadOnlyList<HtmlFailure> Failures,
                                         IReadOnlyList<HtmlDifferential> Differentials);

/// <summary>
/// The HTML report of <c>check</c>, <c>trace</c> and <c>whatif</c> (<c>--html FILE</c>): one
/// self-contained page (inline style, no script, nothing fetched) with the verdict matrix; per failure
/// the crash point, the diagnosis (<see cref="FailureExplanation"/>) with its timeline, the page map of
/// every file and the checker's output; and for a differential the program × model matrix with what
/// breaks only under the candidate.
/// </summary>
internal static partial class HtmlReport
{
    /// <summary>Writes the page to <paramref name="path"/>, creating its directory.</summary>
    /// <param name="path">The file.</param>
    /// <param name="content">What to show.</param>
    public static void Write(string path, HtmlReportContent content)
    {
        JsonOutput.CreateDirectoryOf(path);
        File.WriteAllText(path, Render(content), new UTF8Encoding(false));
    }

    /// <summary>The page as text.</summary>
    /// <param name="content">What to show.</param>
    /// <returns>HTML.</returns>
    public static string Render(HtmlReportContent content)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
            .Append("<title>").Append(E(content.Title)).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>").Append(E(content.Title)).Append("</h1>\n<p class=\"summary\">").Append(E(content.Summary)).Append("</p>\n");
        AppendMatrix(html, content);
        if (content.Differentials.Count > 0)
        {
            AppendDifferentials(html, content.Differentials);
        }
        html.Append("<h2>Failures</h2>\n");
        if (content.Failures.Count == 0)
        {
            html.Append("<p class=\"pass\">No crash state broke any program.</p>\n");
        }
        foreach (HtmlFailure failure in content.Failures)
        {
            AppendFailure(html, failure);
        }
        html.Append("<footer>writeback ").Append(E(WritebackCli.Version)).Append(' ').Append(E(content.Command)).Append("</footer>\n</body></html>\n");
        return html.ToString();
    }

    private static void AppendMatrix(StringBuilder html, HtmlReportContent content)
    {
        html.Append("<h2>Verdicts</h2>\n<table class=\"matrix\"><thead><tr><th>program</th><th>model</th>");
        foreach (CrashKind kind in content.Kinds)
        {
            html.Append("<th>").Append(E(Commands.Check.CheckRenderer.KindLabel(kind))).Append("</th>");
        }
        html.Append("<th>states checked</th><th>crash points</th></tr></thead><tbody>\n");
        foreach (HtmlMatrixRow row in content.Rows)
        {
            html.Append("<tr class=\"verdict-row\"><td>").Append(E(row.Program)).Append("</td><td>").Append(E(row.Report.Model.Name)).Append("</td>");
            foreach (CrashKind kind in content.Kinds)
            {
                int failures = row.Report.Failures.Count(f => f.Kind == kind);
                html.Append(failures == 0 ? "<td class=\"pass\">pass</td>"
                    : string.Create(CultureInfo.InvariantCulture, $"<td class=\"fail\">FAIL ({failures})</td>"));
            }
            html.Append(CultureInfo.InvariantCulture, $"<td>{row.Report.StatesChecked:N0}</td><td>{row.Report.CrashPoints:N0}")
                .Append(row.Report.BoundedCrashPoints > 0
                    ? string.Create(CultureInfo.InvariantCulture, $" ({row.Report.ExhaustiveCrashPoints:N0} exhaustive, {row.Report.BoundedCrashPoints:N0} bounded)")
                    : " (all exhaustive)")
                .Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n<p class=\"legend\"><span class=\"pass\">pass</span>: no crash state of that kind broke the program; ")
            .Append("<span class=\"fail\">FAIL (n)</span>: n crash points did.</p>\n");
    }

    private static void AppendDifferentials(StringBuilder html, IReadOnlyList<HtmlDifferential> differentials)
    {
        html.Append("<h2>Differential</h2>\n<table class=\"differential\"><thead><tr><th>program</th><th>baseline</th><th>candidate</th>")
            .Append("<th>breaks only under the candidate</th><th>breaks only under the baseline</th><th>guarantee relied on</th></tr></thead><tbody>\n");
        foreach (HtmlDifferential d in differentials)
        {
            html.Append("<tr class=\"differential-row\"><td>").Append(E(d.Program)).Append("</td><td>").Append(E(d.Baseline))
                .Append("</td><td>").Append(E(d.Candidate)).Append("</td><td").Append(d.CandidateOnly.Count > 0 ? " class=\"fail\">" : ">")
                .Append(d.CandidateOnly.Count == 0 ? "nothing" : E(string.Join("; ", d.CandidateOnly)))
                .Append("</td><td>").Append(d.BaselineOnly.Count == 0 ? "nothing" : E(string.Join("; ", d.BaselineOnly)))
                .Append("</td><td>").Append(E(d.ReliedOn ?? "")).Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n");
    }

    /// <summary>HTML-escapes text (element content and attribute values).</summary>
    private static string E(string text) => WebUtility.HtmlEncode(text);
}
