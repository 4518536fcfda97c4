using System.Globalization;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Check;

/// <summary>Builds the HTML report's content from the outcomes <c>check</c> and <c>trace</c> render (whatif builds its own rows and differentials).</summary>
internal static class HtmlContent
{
    /// <summary>The content of one run.</summary>
    /// <param name="command">check or trace.</param>
    /// <param name="title">The heading.</param>
    /// <param name="summary">The line under it.</param>
    /// <param name="kinds">The crash kinds.</param>
    /// <param name="outcomes">Per scenario, its reports.</param>
    /// <param name="reproduce">The reproduce line of a failure under a model.</param>
    /// <returns>The content.</returns>
    public static HtmlReportContent From(string command, string title, string summary, IReadOnlyList<CrashKind> kinds,
                                         IReadOnlyList<CheckOutcome> outcomes, Func<CrashReport, CrashFailure, string?> reproduce) =>
        From(command, title, summary, kinds, [.. outcomes.Select(o => (o.Target.Scenario.Name, o.Reports))], reproduce);

    /// <summary>The content of one run, per program its reports (one per model; with two, baseline then candidate and their differential).</summary>
    /// <param name="command">check, trace or whatif.</param>
    /// <param name="title">The heading.</param>
    /// <param name="summary">The line under it.</param>
    /// <param name="kinds">The crash kinds.</param>
    /// <param name="programs">Per program (scenario), its name and reports.</param>
    /// <param name="reproduce">The reproduce line of a failure under a model.</param>
    /// <returns>The content.</returns>
    public static HtmlReportContent From(string command, string title, string summary, IReadOnlyList<CrashKind> kinds,
                                         IReadOnlyList<(string Program, IReadOnlyList<CrashReport> Reports)> programs,
                                         Func<CrashReport, CrashFailure, string?> reproduce)
    {
        var rows = programs.SelectMany(p => p.Reports.Select(r => new HtmlMatrixRow(p.Program, r))).ToList();
        var failures = new List<HtmlFailure>();
        var differentials = new List<HtmlDifferential>();
        foreach ((string program, IReadOnlyList<CrashReport> reports) in programs)
        {
            HashSet<(CrashKind Kind, int CrashPointIndex)> baselineKeys = reports.Count == 2 ? reports[0].Failures.Select(f => (f.Kind, f.CrashPointIndex)).ToHashSet() : [];
            foreach (CrashReport report in reports)
            {
                // The first failure of each crash kind: what a person reads first, without thousands of sections.
                foreach (CrashFailure failure in report.Failures.GroupBy(f => f.Kind).Select(g => g.OrderBy(f => f.CrashPointIndex).First()))
                {
                    bool only = reports.Count == 2 && report == reports[1] && !baselineKeys.Contains((failure.Kind, failure.CrashPointIndex));
                    failures.Add(new HtmlFailure(program, report.Model.Name, failure, reproduce(report, failure), only));
                }
            }
            if (reports.Count == 2)
            {
                differentials.Add(Differential(program, reports[0], reports[1]));
            }
        }
        return new HtmlReportContent(command, title, summary, kinds, rows, failures, differentials);
    }

    /// <summary>A program's differential between two reports of the same recording.</summary>
    /// <param name="program">The program.</param>
    /// <param name="baseline">The baseline model's report.</param>
    /// <param name="candidate">The candidate model's report.</param>
    /// <returns>The differential row.</returns>
    public static HtmlDifferential Differential(string program, CrashReport baseline, CrashReport candidate)
    {
        var baselineKeys = baseline.Failures.Select(f => (f.Kind, f.CrashPointIndex)).ToHashSet();
        var candidateKeys = candidate.Failures.Select(f => (f.Kind, f.CrashPointIndex)).ToHashSet();
        var candidateOnly = candidate.Failures.Where(f => !baselineKeys.Contains((f.Kind, f.CrashPointIndex))).ToList();
        var baselineOnly = baseline.Failures.Where(f => !candidateKeys.Contains((f.Kind, f.CrashPointIndex))).ToList();
        string? reliedOn = candidateOnly.Select(f => f.Explanation).OfType<FailureExplanation>().FirstOrDefault() is { } e
            ? $"{ExplanationText.Label(e.Category)}: {e.Rule}" : null;
        return new HtmlDifferential(program, baseline.Model.Name, candidate.Model.Name, Describe(candidateOnly), Describe(baselineOnly), reliedOn);
    }

    private static string[] Describe(IEnumerable<CrashFailure> failures) =>
        [.. failures.GroupBy(f => f.CrashPointIndex).OrderBy(g => g.Key).Take(20).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"crash point {g.Key} ({string.Join(", ", g.Select(f => CheckRenderer.KindLabel(f.Kind)))})"))];
}
