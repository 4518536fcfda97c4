using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Check;

/// <summary>Renders a check run: the verdict matrix, then each failing scenario's first failure with its page map.</summary>
internal static class CheckRenderer
{
    /// <summary>The verdict matrix: a row per scenario and model, a column per crash kind.</summary>
    /// <param name="outcomes">The run's outcomes.</param>
    /// <param name="kinds">The crash kinds, in column order.</param>
    /// <returns>A renderable.</returns>
    public static IRenderable Matrix(IReadOnlyList<CheckOutcome> outcomes, IReadOnlyList<CrashKind> kinds)
    {
        bool documented = outcomes.Any(o => o.Target.ExpectedToPass is not null);
        // One name column: the scenario on a row of its own, its models indented below it. Names
        // are never wrapped (a scenario or model name broken mid-word cannot be read or searched
        // for); a name wider than the terminal allows is cut with an ellipsis instead.
        Table table = new Table().Border(TableBorder.Rounded).Title("[bold]verdicts[/]");
        table.AddColumn(new TableColumn("scenario / model").NoWrap());
        foreach (CrashKind kind in kinds)
        {
            table.AddColumn(new TableColumn(KindLabel(kind)).Centered());
        }

        table.AddColumn(new TableColumn("states").RightAligned().NoWrap());
        foreach (CheckOutcome outcome in outcomes)
        {
            var scenarioRow = new List<IRenderable> { Name($"[bold]{Markup.Escape(outcome.Target.Scenario.Name)}[/]") };
            scenarioRow.AddRange(Enumerable.Repeat<IRenderable>(Text.Empty, kinds.Count + 1));
            table.AddRow(scenarioRow);
            foreach (CrashReport report in outcome.Reports)
            {
                var cells = new List<IRenderable> { Name("  " + Markup.Escape(report.Model.Name)) };
                cells.AddRange(kinds.Select(k => new Markup(Cell(CheckOutcome.Passed(report, k), outcome.Expected(report, k)))));
                cells.Add(new Text(report.StatesChecked.ToString("N0", CultureInfo.InvariantCulture)));
                table.AddRow(cells);
            }
        }

        string legend = "[green]pass[/]: no crash state broke the scenario; [red]FAIL[/]: at least one did"
                        + (documented ? "; ✓ as documented; [black on yellow]UNEXPECTED[/]: differs from the example's documentation" : "");
        return new Rows(table, new Markup(legend));
    }

    private static Markup Name(string markup) => new Markup(markup).Overflow(Overflow.Ellipsis);

    private static string Cell(bool passed, bool? expected)
    {
        string verdict = passed ? "[green]pass[/]" : "[red]FAIL[/]";
        return expected switch
        {
            null => verdict,
            var e when e == passed => verdict + " ✓",
            _ => verdict + " [black on yellow]UNEXPECTED[/]",
        };
    }

    /// <summary>A crash kind as a column header.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Words.</returns>
    public static string KindLabel(CrashKind kind) => kind switch
    {
        CrashKind.ProcessCrash => "process crash",
        CrashKind.KernelCrash => "kernel crash",
        CrashKind.PowerLoss => "power loss",
        _ => kind.ToString(),
    };

    /// <summary>The first failure of a scenario under one model, with its page map (the reproduce line follows it, unwrapped).</summary>
    /// <param name="outcome">The scenario's outcome.</param>
    /// <param name="report">The report (model) the failure is from.</param>
    /// <param name="failure">The failure.</param>
    /// <param name="candidateOnly">Whether the baseline model survives the same crash point.</param>
    /// <param name="consoleWidth">The console's width in columns, so that page-map rows are not wrapped.</param>
    /// <returns>A renderable.</returns>
    public static IRenderable Failure(CheckOutcome outcome, CrashReport report, CrashFailure failure, bool candidateOnly,
                                      int consoleWidth)
    {
        // The panel's border and padding take 4 columns; each map row is indented by 2.
        int cellsPerRow = CellGrid.CellsPerRowWithin(consoleWidth - 4, 2);
        IRenderable PageMap(FilePageMap map) => CheckRenderer.PageMap(map, cellsPerRow);
        var lines = new List<IRenderable>
        {
            // CrashFailure.Call is the call the crash point precedes; the point after the last call
            // already reads "after …".
            new Markup($"[bold]crash point[/] {failure.CrashPointIndex}: {KindLabel(failure.Kind)} "
                       + $"[cyan]{Markup.Escape(ExplanationText.Where(failure.Call))}[/]"
                       + $" ({Markup.Escape(failure.Explanation?.AcknowledgedBefore ?? $"{failure.AcknowledgedCount} acknowledged before it")})"
                       + (candidateOnly ? $"  [yellow]only under {Markup.Escape(report.Model.Name)}[/]" : "")),
            new Markup($"[bold]checker[/]: [red]{Markup.Escape(failure.Message)}[/]"),
        };
        if (failure.Explanation is { } explanation)
        {
            lines.AddRange(ExplanationText.Lines(explanation));
        }
        lines.Add(new Markup("[bold]page map of that image[/]:"));
        lines.AddRange(failure.Pages.Select(PageMap));
        if (failure.Pages.Count == 0)
        {
            lines.Add(new Markup("  [grey](no file survived the crash)[/]"));
        }
        if (failure.ShrunkPages is { Count: > 0 } shrunk && !shrunk.SequenceEqual(failure.Pages))
        {
            lines.Add(new Markup("[bold]shrunk[/] (fewest pages deviating from the base image"
                                 + (failure.ShrunkMessage is { } m ? $"; checker: {Markup.Escape(m)}" : "") + "):"));
            lines.AddRange(shrunk.Select(PageMap));
        }

        lines.Add(new Markup(Legend));
        string header = $"{outcome.Target.Scenario.Name} under {report.Model.Name}";
        return new Panel(new Rows(lines)).Header(Markup.Escape(header)).Border(BoxBorder.Rounded).Expand();
    }

    /// <summary>The legend of page maps.</summary>
    public const string Legend =
        "[green]D[/] durable (flushed, guaranteed)  [blue]K[/] kept (unflushed, reached disk)  [red]L[/] lost (unflushed, did not)  [yellow]T[/] torn (partly written)";

    /// <summary>One file's page map: a coloured letter per page.</summary>
    /// <param name="map">The file's pages.</param>
    /// <param name="cellsPerRow">Pages per row.</param>
    /// <returns>A renderable.</returns>
    public static IRenderable PageMap(FilePageMap map, int cellsPerRow = CellGrid.CellsPerRow) => new Markup(
        $"  [bold]{Markup.Escape(map.File)}[/] ({map.Pages.Count} {(map.Pages.Count == 1 ? "page" : "pages")})"
        + (map.Pages.Count == 0 ? "" : "\n" + CellGrid.ToMarkup(map.Pages, LetterOf, ColourOf, i => i, indent: "  ", cellsPerRow)));

    private static char LetterOf(PageFate fate) => fate switch
    {
        PageFate.Durable => 'D',
        PageFate.Kept => 'K',
        PageFate.Lost => 'L',
        _ => 'T',
    };

    private static string ColourOf(PageFate fate) => fate switch
    {
        PageFate.Durable => "green",
        PageFate.Kept => "blue",
        PageFate.Lost => "red",
        _ => "yellow",
    };
}
