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
                                         IReadOnlyList<CheckOutcome> outcomes, Func<CrashReport, CrashFailure, string?> reproduce)
    {
        var rows = outcomes.SelectMany(o => o.Reports.Select(r => new HtmlMatrixRow(o.Target.Scenario.Name, r))).ToList();
        var failures = new List<HtmlFailure>();
        var differentials = new List<HtmlDifferential>();
        foreach (CheckOutcome outcome in outcomes)
        {
            var candidateOnly = outcome.CandidateOnlyFailures().Select(f => (f.Kind, f.CrashPointIndex)).ToHashSet();
            foreach (CrashReport report in outcome.Reports)
            {
                // The first failure of each crash kind: what a person reads first, without thousands of sections.
                foreach (CrashFailure failure in report.Failures.GroupBy(f => f.Kind).Select(g => g.OrderBy(f => f.CrashPointIndex).First()))
                {
                    bool only = outcome.Reports.Count == 2 && report == outcome.Reports[1] && candidateOnly.Contains((failure.Kind, failure.CrashPointIndex));
                    failures.Add(new HtmlFailure(outcome.Target.Scenario.Name, report.Model.Name, failure, reproduce(report, failure), only));
                }
            }
            if (outcome.Reports.Count == 2)
            {
                differentials.Add(Differential(outcome.Target.Scenario.Name, outcome.Reports[0], outcome.Reports[1]));
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
