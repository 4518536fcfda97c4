using Spectre.Console;
using Spectre.Console.Rendering;

namespace Writeback.Cli.Output;

/// <summary>
/// A failure's explanation (<see cref="FailureExplanation"/>) as console lines: the rule broken, the
/// summary, and the timeline with the write, the acknowledgement, the crash point and the missing sync
/// marked. <c>check</c>, <c>trace</c> and <c>whatif</c> print it the same way.
/// </summary>
internal static class ExplanationText
{
    /// <summary>The category as a short label, e.g. <c>name never made durable</c>.</summary>
    /// <param name="category">The category.</param>
    /// <returns>Words.</returns>
    public static string Label(DiagnosisCategory category) => category switch
    {
        DiagnosisCategory.NameNeverDurable => "name never made durable",
        DiagnosisCategory.AcknowledgedBeforeSync => "acknowledged before its sync",
        DiagnosisCategory.ReliedOnWholeFileSync => "relied on a whole-file sync",
        DiagnosisCategory.TornWrite => "torn write",
        DiagnosisCategory.ReorderedPersistence => "reordered persistence",
        _ => "not yet durable",
    };

    /// <summary>The mark a timeline line carries for its role.</summary>
    /// <param name="role">The role.</param>
    /// <returns>Words, or empty for context lines.</returns>
    public static string Mark(ExplanationRole role) => role switch
    {
        ExplanationRole.Write => "wrote it",
        ExplanationRole.Acknowledgement => "acknowledged it",
        ExplanationRole.Crash => "crash",
        ExplanationRole.MissingSync => "the sync it needed",
        _ => "",
    };

    /// <summary>The explanation as lines of a failure panel.</summary>
    /// <param name="explanation">The explanation.</param>
    /// <returns>Renderables, one per line.</returns>
    public static IEnumerable<IRenderable> Lines(FailureExplanation explanation)
    {
        yield return new Markup($"[bold]diagnosis[/]: [magenta]{Markup.Escape(Label(explanation.Category))}[/]: {Markup.Escape(explanation.Rule)}");
        yield return new Markup("  " + Markup.Escape(explanation.Summary));
        yield return new Markup("[bold]timeline[/] (last events before the crash point):");
        foreach (ExplanationEvent e in explanation.Timeline)
        {
            string colour = e.Role switch
            {
                ExplanationRole.Write => "cyan",
                ExplanationRole.Acknowledgement => "yellow",
                ExplanationRole.Crash => "red",
                ExplanationRole.MissingSync => "green",
                _ => "grey",
            };
            string arrow = e.Role == ExplanationRole.Crash ? "✗ " : "  ";
            string mark = Mark(e.Role) is { Length: > 0 } m && e.Role != ExplanationRole.Crash ? $"  [{colour}]<- {m}[/]" : "";
            yield return new Markup($"  {arrow}[{colour}]{Markup.Escape(e.Text)}[/]{mark}");
        }
    }

    /// <summary>The explanation as plain text lines (no markup), for logs and tests.</summary>
    /// <param name="explanation">The explanation.</param>
    /// <returns>Lines.</returns>
    public static IEnumerable<string> PlainLines(FailureExplanation explanation)
    {
        yield return $"diagnosis: {Label(explanation.Category)}: {explanation.Rule}";
        yield return "  " + explanation.Summary;
        foreach (ExplanationEvent e in explanation.Timeline)
        {
            yield return $"  {(e.Role == ExplanationRole.Crash ? "x " : "  ")}{e.Text}{(Mark(e.Role) is { Length: > 0 } m && e.Role != ExplanationRole.Crash ? "  <- " + m : "")}";
        }
    }

    /// <summary>"before CALL" unless the crash point's name already says where it is (after, during, before).</summary>
    /// <param name="call">The failure's <see cref="CrashFailure.Call"/>.</param>
    /// <returns>The words after the crash kind.</returns>
    public static string Where(string call) =>
        call.StartsWith("after ", StringComparison.Ordinal) || call.StartsWith("during ", StringComparison.Ordinal)
        || call.StartsWith("before ", StringComparison.Ordinal) ? call : "before " + call;
}
