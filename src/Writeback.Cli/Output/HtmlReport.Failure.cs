using System.Globalization;
using System.Text;

namespace Writeback.Cli.Output;

internal static partial class HtmlReport
{
    /// <summary>Runs of one fate longer than this are drawn as one labelled block (a 32 MiB file has 8,192 pages).</summary>
    private const int RunAsBlockPages = 16;

    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:2em;max-width:72em;color:#222}
        h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em}
        table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
        .pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}
        .failure{border:1px solid #d0d7de;border-radius:6px;padding:.5em 1em;margin:1em 0}
        .diagnosis{background:#fff8c5;padding:.5em;border-radius:4px}.category{font-weight:700;color:#8250df}
        ol.timeline{font-family:monospace;list-style:none;padding-left:0}ol.timeline li{padding:.1em .4em}
        li.Write{background:#ddf4ff}li.Acknowledgement{background:#fff8c5}li.Crash{background:#ffebe9;font-weight:700}
        li.MissingSync{background:#dafbe1}li.Gap{color:#888}.mark{color:#555;font-style:italic;margin-left:1em}
        .pages span{display:inline-block;font-family:monospace;min-width:1ch;text-align:center;margin:0 1px}
        .pages .D{background:#2da44e;color:#fff}.pages .K{background:#0969da;color:#fff}.pages .L{background:#cf222e;color:#fff}
        .pages .T{background:#bf8700;color:#fff}.pages .run{padding:0 .4em}
        pre{background:#f6f8fa;padding:.5em;overflow-x:auto}footer{margin-top:2em;color:#888;font-size:.8em}
        """;

    private static void AppendFailure(StringBuilder html, HtmlFailure item)
    {
        CrashFailure f = item.Failure;
        html.Append("<section class=\"failure\"><h3>").Append(E(item.Program)).Append(" under ").Append(E(item.Model)).Append(": ")
            .Append(E(Commands.Check.CheckRenderer.KindLabel(f.Kind))).Append(CultureInfo.InvariantCulture, $" at crash point {f.CrashPointIndex}")
            .Append(item.CandidateOnly ? " <span class=\"fail\">(only under this model)</span>" : "").Append("</h3>\n")
            .Append("<p>crash point ").Append(f.CrashPointIndex).Append(": ").Append(E(ExplanationText.Where(f.Call)))
            .Append(" (").Append(E(f.Explanation?.AcknowledgedBefore ?? $"{f.AcknowledgedCount} acknowledged")).Append(")</p>\n")
            .Append("<p>checker: <span class=\"fail checker-message\">").Append(E(f.Message)).Append("</span></p>\n");
        if (f.Explanation is { } explanation)
        {
            AppendExplanation(html, explanation);
        }
        html.Append("<h4>Page map of the failing image</h4>\n");
        AppendPageMaps(html, f.Pages);
        if (f.ShrunkPages is { Count: > 0 } shrunk && !shrunk.SequenceEqual(f.Pages))
        {
            html.Append("<h4>Shrunk image (fewest deviations from ").Append(E(f.ShrunkBase ?? "the base")).Append(")</h4>\n");
            AppendPageMaps(html, shrunk);
        }
        if (f.Deviations.Count > 0)
        {
            html.Append("<details><summary>Deviations from all-lost</summary><pre>").Append(E(string.Join('\n', f.Deviations))).Append("</pre></details>\n");
        }
        if (f.CheckerException is { } exception)
        {
            html.Append("<details><summary>Checker exception</summary><pre>").Append(E(exception)).Append("</pre></details>\n");
        }
        if (item.Reproduce is { } reproduce)
        {
            html.Append("<p>reproduce:</p><pre>").Append(E(reproduce)).Append("</pre>\n");
        }
        html.Append("</section>\n");
    }

    private static void AppendExplanation(StringBuilder html, FailureExplanation explanation)
    {
        html.Append("<div class=\"diagnosis\"><p><span class=\"category\">").Append(E(ExplanationText.Label(explanation.Category)))
            .Append("</span>: ").Append(E(explanation.Rule)).Append("</p>\n<p class=\"diagnosis-summary\">").Append(E(explanation.Summary)).Append("</p></div>\n")
            .Append("<h4>Timeline</h4>\n<ol class=\"timeline\">\n");
        foreach (ExplanationEvent e in explanation.Timeline)
        {
            html.Append("<li class=\"").Append(e.Role).Append("\">").Append(e.Role == ExplanationRole.Crash ? "✗ " : "").Append(E(e.Text));
            if (ExplanationText.Mark(e.Role) is { Length: > 0 } mark && e.Role != ExplanationRole.Crash)
            {
                html.Append("<span class=\"mark\">← ").Append(E(mark)).Append("</span>");
            }
            html.Append("</li>\n");
        }
        html.Append("</ol>\n");
    }

    private static void AppendPageMaps(StringBuilder html, IReadOnlyList<FilePageMap> maps)
    {
        if (maps.Count == 0)
        {
            html.Append("<p>(no file survived the crash)</p>\n");
            return;
        }
        html.Append("<table class=\"pages\"><tbody>\n");
        foreach (FilePageMap map in maps)
        {
            html.Append("<tr><td>").Append(E(map.File)).Append(CultureInfo.InvariantCulture, $" ({map.Pages.Count} {(map.Pages.Count == 1 ? "page" : "pages")})</td><td>");
            string letters = map.ToLetters();
            for (int start = 0; start < letters.Length;)
            {
                int end = start;
                while (end + 1 < letters.Length && letters[end + 1] == letters[start])
                {
                    end++;
                }
                string word = FateWord(letters[start]);
                if (end - start + 1 > RunAsBlockPages)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<span class=\"{letters[start]} run\" title=\"pages {start}-{end} {word}\">{letters[start]} ×{end - start + 1}</span>");
                }
                else
                {
                    for (int pageIndex = start; pageIndex <= end; pageIndex++)
                    {
                        html.Append(CultureInfo.InvariantCulture, $"<span class=\"{letters[start]}\" title=\"page {pageIndex} {word}\">{letters[start]}</span>");
                    }
                }
                start = end + 1;
            }
            html.Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n<p class=\"legend\">D durable (flushed, guaranteed), K kept (unflushed, reached disk), L lost (unflushed, did not), T torn (partly written)</p>\n");
    }

    private static string FateWord(char letter) => letter switch
    {
        'D' => "durable",
        'K' => "kept",
        'L' => "lost",
        _ => "torn",
    };
}
