using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Writeback.Cli.Commands.Check;
using Writeback.Cli.Output;
using Writeback.Formatting;
using Writeback.Tracing;

namespace Writeback.Cli.Commands.Trace;

/// <summary>Prints a trace run as <c>check</c> prints a scenario, plus the differential's crash points, and writes the same JSON document.</summary>
internal sealed class TraceReport(CliOutput output)
{
    /// <summary>Writes the human output and/or JSON, and failure images when asked; returns the exit code.</summary>
    public int Write(TraceRun run)
    {
        bool failed = run.Outcome.AnyFailure;
        int exitCode = failed ? ExitCodes.Failed : ExitCodes.Ok;
        if (!run.Settings.JsonToStandardOutput)
        {
            WriteHuman(run);
        }
        if (run.Settings.Json is { IsSet: true })
        {
            JsonOutput.Write(run.Settings.Json, output, ToDocument(run, exitCode));
        }
        if (run.Settings.WriteImage is { } directory)
        {
            WriteFailureImages(run, directory);
        }
        if (run.Settings.Html is { } html)
        {
            HtmlReport.Write(html, HtmlContent.From("trace", $"writeback trace: {run.Scenario.Name}", run.Outcome.Target.Summary ?? "",
                run.Kinds, [run.Outcome], (report, failure) => Reproduce(run, report.Model, failure)));
        }
        return exitCode;
    }

    private void WriteHuman(TraceRun run)
    {
        IAnsiConsole console = output.Console;
        console.MarkupLine($"[bold]writeback trace[/]: {Markup.Escape(run.Outcome.Target.Summary ?? run.Scenario.Name)}");
        output.WriteWholeLine($"the program ran in {run.Recording.Directory}; the checker ran in {run.Scenario.Checker.WorkingDirectory}");
        console.MarkupLine($"models {Markup.Escape(string.Join(" vs ", run.Models.Select(m => m.Name)))}; atomic write {Counted.Of(run.Settings.AtomicWriteBytes, "byte")}; "
                           + $"seed {run.Settings.Seed}; {Counted.Of(run.Record.CrashPointCount, "crash point")}; checker ran {Counted.Of(run.Scenario.CheckerRuns, "time")} on "
                           + $"{run.Scenario.DistinctImages} distinct {Counted.Noun(run.Scenario.DistinctImages, "image and output", "images and outputs")} "
                           + $"in {run.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        console.Write(CheckRenderer.Matrix([run.Outcome], run.Kinds));
        foreach (string line in ExplorationText.Lines(run.Outcome.Reports, run.Settings.MaxStatesPerCrashPoint ?? new ExplorerOptions().MaxStatesPerCrashPoint, "--ignore"))
        {
            output.WriteWholeLine(line);
        }
        IReadOnlyList<CrashFailure> candidateOnly = run.Outcome.CandidateOnlyFailures();
        foreach (CrashReport report in run.Outcome.Reports.Where(r => r.Failures.Count > 0))
        {
            CrashFailure first = CheckCommand.First(report);
            bool only = run.Outcome.Reports.Count == 2 && report == run.Outcome.Reports[1]
                        && candidateOnly.Any(f => f.Kind == first.Kind && f.CrashPointIndex == first.CrashPointIndex);
            console.WriteLine();
            console.Write(CheckRenderer.Failure(run.Outcome, report, first, only, console.Profile.Width));
            // Whole, never wrapped at the terminal's width, so that it can be copied and run.
            output.WriteWholeLine($"reproduce: {Reproduce(run, report.Model, first)}");
            if ((run.Settings.Load ?? run.Settings.Save) is null)
            {
                output.WriteWholeLine($"(it runs the program again: first restore {run.Recording.Directory} to what it held before this run, or record with --save TRACE to replay the recording instead)");
            }
        }
        if (candidateOnly.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine($"[bold]Crash points that break only under {Markup.Escape(run.Models[1].Name)}[/] (the baseline {Markup.Escape(run.Models[0].Name)} survives them):");
            foreach (IGrouping<int, CrashFailure>? group in candidateOnly.GroupBy(f => f.CrashPointIndex).OrderBy(g => g.Key))
            {
                console.MarkupLine($"  {group.Key}: [cyan]{Markup.Escape(ExplanationText.Where(group.First().Call))}[/] ({string.Join(", ", group.Select(f => CheckRenderer.KindLabel(f.Kind)))})");
            }
        }
        console.WriteLine();
        console.MarkupLine(run.Outcome.AnyFailure
            ? $"[red]Crash states break {Markup.Escape(run.Scenario.Name)}.[/]"
            : $"[green]No crash state broke {Markup.Escape(run.Scenario.Name)}.[/]");
    }

    /// <summary>The command that writes the failing crash point's images; it names the saved recording when there is one.</summary>
    private static string Reproduce(TraceRun run, KernelModel model, CrashFailure failure)
    {
        string? saved = run.Settings.Load ?? run.Settings.Save;
        string source = saved is not null ? $"--load {Quote(Path.GetFullPath(saved))}" : $"--dir {Quote(run.Recording.Directory)}";
        string program = saved is null ? " -- " + CommandLine.Join(new[] { run.Recording.Program }.Concat(run.Recording.Arguments)) : "";
        string ignore = string.Concat(run.Settings.Ignore.Select(glob => $" --ignore {Quote(glob)}"));
        string name = run.Settings.Name is { } n ? $" --name {Quote(n)}" : "";
        string maxStates = run.Settings.MaxStatesPerCrashPoint is { } max ? $" --max-states {max}" : "";
        string context = run.Settings.CheckerUsesContext ? " --checker-uses-context" : "";
        string images = Quote(Path.Combine(Path.GetTempPath(), $"{run.Scenario.Name}-crash-point-{failure.CrashPointIndex}"));
        return Invocation.Prefix + $" trace {source} --checker {Quote(run.Settings.Checker!)}{context}{ignore}{name} --model {Quote(model.FilePath ?? model.Name)} --crash-kind {failure.Kind} "
               + $"--atomic-write-bytes {run.Settings.AtomicWriteBytes} --seed {run.Settings.Seed}{maxStates} --write-image {images} --crash-point {failure.CrashPointIndex}{program}";
    }

    private static string Quote(string value) => CommandLine.Quote(value);

    private void WriteFailureImages(TraceRun run, string directory)
    {
        foreach (CrashReport report in run.Outcome.Reports)
        {
            foreach (CrashFailure failure in report.Failures.GroupBy(f => f.Kind).Select(g => g.OrderBy(f => f.CrashPointIndex).First()))
            {
                string target = Path.Combine(directory, $"{report.Model.Name}-{failure.Kind}-{failure.CrashPointIndex}");
                TraceImages.WriteFailure(run.Record, report.Model, failure, run.Settings.AtomicWriteBytes, target, run.Scenario);
                if (!run.Settings.JsonToStandardOutput)
                {
                    output.WriteWholeLine($"wrote the failing image to {target} (its output and verdict: {target}.output.txt, {target}.verdict.txt)");
                }
            }
        }
    }

    private static CheckDocument ToDocument(TraceRun run, int exitCode)
    {
        CheckOutcome o = run.Outcome;
        var scenario = new CheckScenarioDocument(
            o.Target.Scenario.Name, o.Target.Summary, null, !o.AnyFailure,
            [.. o.Reports.SelectMany(r => run.Kinds.Select(k => new CheckVerdict(r.Model.Name, k, CheckOutcome.Passed(r, k), r.Failures.Count(f => f.Kind == k), null, null)))],
            o.Reports.Count == 2 ? o.CandidateOnlyFailures().Count : null,
            [.. o.Reports.Where(r => r.Failures.Count > 0).Select(r => FirstFailure(run, r))],
            [.. o.Reports.Select(r => JsonNode.Parse(r.ToJson()))]);
        return new CheckDocument(WritebackCli.Version, "trace", run.Recording.Program, [.. run.Models.Select(m => m.Name)], run.Kinds,
                                 run.Settings.AtomicWriteBytes, run.Settings.Seed, "0/1", [scenario],
                                 o.AnyFailure ? [o.Target.Scenario.Name] : [], 0, exitCode, Compact: false);
    }

    private static CheckFirstFailure FirstFailure(TraceRun run, CrashReport report)
    {
        CrashFailure first = CheckCommand.First(report);
        return new CheckFirstFailure(report.Model.Name, first.Kind, first.CrashPointIndex, first.Call, first.Message,
                                     Reproduce(run, report.Model, first), first.Explanation);
    }
}
