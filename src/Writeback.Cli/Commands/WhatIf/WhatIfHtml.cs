using System.Globalization;
using Writeback.Cli.Commands.Check;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.WhatIf;

/// <summary>
/// The content of <c>whatif --html</c>, built from the run's document: the program × model matrix (one row per
/// program and model), the differential per program with the guarantee it relied on (the recorded call whose
/// effect differs between the models), and per failure its diagnosis, page maps and checker output.
/// </summary>
internal static class WhatIfHtml
{
    /// <summary>The page's content.</summary>
    /// <param name="document">The whatif run.</param>
    /// <param name="settings">Its options (for the reproduce lines).</param>
    /// <returns>The content.</returns>
    public static HtmlReportContent From(WhatIfDocument document, WhatIfSettings settings)
    {
        WhatIfProgram[] compared = [.. document.Programs.Where(p => p.Reports.Count == 2)];
        string differences = document.Differences.Count == 0 ? "the models differ in no call" : "the models differ in: " + string.Join("; ", document.Differences);
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"baseline {document.Baseline} ({document.BaselineSource}) against candidate {document.Candidate} ({document.CandidateSource}); {compared.Length} programs compared, {document.BrokenPrograms.Count} broken; seed {document.Seed}; shard {document.Shard}; {differences}");
        string Reproduce(string program) =>
            $"writeback whatif --baseline {Quote(settings.Baseline!)} --candidate {Quote(settings.Candidate!)}"
            + string.Concat(settings.ModelFiles.Select(f => " --model-file " + Quote(f)))
            + " --corpus " + Quote(settings.Corpus) + (settings.Traces is { } t ? " --traces " + Quote(t) : "")
            + string.Create(CultureInfo.InvariantCulture, $" --only {program} --seed {document.Seed}");
        HtmlReportContent content = HtmlContent.From("whatif", $"writeback whatif: {document.Baseline} → {document.Candidate}", summary,
            document.CrashKinds, [.. compared.Select(p => (p.Name, p.Reports))], (report, _) => null);
        var failures = content.Failures.Select(f => f with { Reproduce = Reproduce(f.Program) }).ToList();
        var differentials = content.Differentials.Select(d => compared.First(p => p.Name == d.Program) is var program && program.IsBroken
            ? d with { ReliedOn = ReliedOn(program) ?? d.ReliedOn } : d).ToList();
        return content with { Failures = failures, Differentials = differentials };
    }

    /// <summary>The broken program's guarantee in words: the recorded call and its effect under each model.</summary>
    private static string? ReliedOn(WhatIfProgram program) =>
        program.Broken.FirstOrDefault(b => b.ReliedOn is not null) is { } broken
            ? $"#{broken.ReliedOnCallIndex} {broken.ReliedOn} ({broken.ReliedOnModelCall}: baseline {broken.BaselineEffect}; candidate {broken.CandidateEffect})"
            : program.Broken.Count > 0 ? "no call's effect differs; the models' name rules do" : null;

    private static string Quote(string argument) => argument.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"') ? $"'{argument.Replace("'", "'\\''", StringComparison.Ordinal)}'" : argument;
}
