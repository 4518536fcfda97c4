using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Check;

/// <summary>
/// <c>writeback check</c>: runs crash scenarios under kernel models and crash kinds with the
/// simulator's <see cref="CrashExplorer"/>, prints the verdict matrix and each failing scenario's
/// first failure. Bundled examples (no <c>--assembly</c>): exit 0 when every verdict matches the
/// example's documentation. A user's assembly: exit 1 when any scenario fails, 0 when none does.
/// </summary>
internal sealed class CheckCommand(CliOutput output) : OutputCommand<CheckSettings>(output)
{
    private static readonly KernelModel[] s_defaultModels = [KernelModel.Linux2_6_19To3_15WholeFile, KernelModel.Linux3_16Range];

    /// <inheritdoc />
    public override int Execute(CommandContext context, CheckSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Models.Any(m => string.Equals(m, "list", StringComparison.OrdinalIgnoreCase)))
        {
            return ListModels(Output.Console);
        }

        KernelModel[] models = ParseModels(settings.Models, settings.ModelFiles);
        CrashKind[] kinds = ParseKinds(settings.CrashKinds);
        (int shardIndex, int shardCount) = settings.ParseShard();
        ExplorerOptions options = settings.ToExplorerOptions(kinds) with
        {
            ShardIndex = shardIndex,
            ShardCount = shardCount,
            StorageFaults = settings.ParseStorageFaults(),
        };

        string? assemblyPath = settings.AssemblyPath is null ? null : Path.GetFullPath(settings.AssemblyPath);
        if (assemblyPath is not null && Directory.Exists(assemblyPath))
        {
            throw new UsageException($"check: --assembly '{settings.AssemblyPath}' is a directory; give the .dll file your project builds, "
                                     + "e.g. bin/Debug/net10.0/MyScenarios.dll.");
        }

        if (assemblyPath is not null && !File.Exists(assemblyPath))
        {
            throw new UsageException($"check: --assembly '{settings.AssemblyPath}' does not exist.");
        }

        ScenarioLoadContext? loadContext = assemblyPath is null ? null : new ScenarioLoadContext(assemblyPath);
        try
        {
            IReadOnlyList<CheckTarget> targets = ScenarioSource.Select(
                loadContext is null ? ScenarioSource.Bundled() : ScenarioSource.FromAssembly(assemblyPath!, loadContext),
                settings.Scenarios);
            IReadOnlyList<CheckOutcome> outcomes = Explore(targets, models, options, settings.JsonToStandardOutput, cancellationToken);
            return Report(settings, assemblyPath, models, kinds, outcomes);
        }
        finally
        {
            loadContext?.Unload();
        }
    }

    /// <summary>Prints the models and what each call guarantees under them (<c>--model list</c>).</summary>
    /// <param name="console">Where to print.</param>
    /// <returns><see cref="ExitCodes.Ok"/>.</returns>
    internal static int ListModels(IAnsiConsole console)
    {
        Table table = new Table().Border(TableBorder.Rounded).AddColumn("model").AddColumn("what each call guarantees");
        foreach (KernelModel model in KernelModel.All)
        {
            table.AddRow(Markup.Escape(model.Name), Markup.Escape(model.Description));
        }

        console.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>Parses model names and model files; an unknown name or a bad file is a usage error (one line) and nothing runs.</summary>
    /// <param name="names">The --model values: built-in names, or paths of model files.</param>
    /// <param name="files">The --model-file values.</param>
    /// <returns>The models, in the order given; the default pair when none is given.</returns>
    internal static KernelModel[] ParseModels(IReadOnlyList<string> names, IReadOnlyList<string>? files = null)
    {
        files ??= [];
        if (names.Count == 0 && files.Count == 0)
        {
            return s_defaultModels;
        }

        var models = new List<KernelModel>();
        foreach (KernelModel model in names.Select(ResolveModel).Concat(files.Select(LoadModelFile)))
        {
            if (models.Any(m => m.Name == model.Name && m != model))
            {
                throw new UsageException($"check: two models are named '{model.Name}' ({models.First(m => m.Name == model.Name).Source} and {model.Source}); give the file a different \"name\".");
            }

            if (!models.Contains(model))
            {
                models.Add(model);
            }
        }

        return [.. models];
    }

    /// <summary>A built-in model by name (any case), or a model file when the value names an existing file or ends in .json.</summary>
    /// <param name="nameOrFile">The value.</param>
    /// <returns>The model.</returns>
    internal static KernelModel ResolveModel(string nameOrFile)
    {
        if (KernelModel.TryParse(nameOrFile, out KernelModel? model))
        {
            return model;
        }

        if (File.Exists(nameOrFile) || nameOrFile.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return LoadModelFile(nameOrFile);
        }

        throw new UsageException($"check: unknown model '{nameOrFile}'; valid models: {string.Join(", ", KernelModel.Named.Select(m => m.Name))}, or a model file.");
    }

    /// <summary>Loads a model file; its errors become one-line usage errors.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The model.</returns>
    internal static KernelModel LoadModelFile(string path)
    {
        try
        {
            return KernelModel.Load(path);
        }
        catch (ModelFileException e)
        {
            throw new UsageException("check: " + e.Message);
        }
    }

    /// <summary>Parses crash kinds (ProcessCrash or process-crash, any case).</summary>
    /// <param name="names">The names given.</param>
    /// <returns>The kinds; all three when none is given.</returns>
    internal static CrashKind[] ParseKinds(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return Enum.GetValues<CrashKind>();
        }

        var kinds = new List<CrashKind>();
        foreach (string name in names)
        {
            string normalized = name.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
            if (!Enum.TryParse(normalized, ignoreCase: true, out CrashKind kind) || !Enum.IsDefined(kind) || int.TryParse(normalized, out _))
            {
                throw new UsageException($"check: unknown crash kind '{name}'; valid kinds: {string.Join(", ", Enum.GetNames<CrashKind>())}.");
            }

            if (!kinds.Contains(kind))
            {
                kinds.Add(kind);
            }
        }

        return [.. kinds];
    }

    private IReadOnlyList<CheckOutcome> Explore(IReadOnlyList<CheckTarget> targets, KernelModel[] models, ExplorerOptions options,
                                                bool jsonToStandardOutput, CancellationToken cancellationToken)
    {
        var outcomes = new List<CheckOutcome>();
        WithProgress(jsonToStandardOutput, progress =>
        {
            foreach (CheckTarget target in targets)
            {
                var reports = new List<CrashReport>();
                foreach (KernelModel model in models)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    ProgressTask? task = progress?.AddTask(Markup.Escape($"{target.Scenario.Name} / {model.Name}"), maxValue: 1);
                    (IProgress<ExplorationProgress> reporter, IDisposable? lines) = StartProgress(task, $"check: {target.Scenario.Name} / {model.Name}");
                    var explorer = new CrashExplorer(model, options with
                    {
                        Progress = reporter,
                        StorageFaults = options.StorageFaults ?? target.Faults,
                    });
                    try
                    {
                        reports.Add(explorer.Explore(target.Scenario));
                    }
                    catch (Exception e) when (e is not OperationCanceledException && ScenarioFailedException.From(target.Scenario, e) is { } failed)
                    {
                        throw failed;
                    }
                    finally
                    {
                        lines?.Dispose();
                    }
                    task?.Value = 1;
                }

                outcomes.Add(new CheckOutcome(target, reports));
            }
        });

        return outcomes;
    }

    private int Report(CheckSettings settings, string? assemblyPath, KernelModel[] models, CrashKind[] kinds,
                       IReadOnlyList<CheckOutcome> outcomes)
    {
        bool bundled = assemblyPath is null;
        int unexpected = outcomes.Sum(o => o.Reports.Sum(r => kinds.Count(k => o.Unexpected(r, k))));
        string[] failedScenarios = [.. outcomes.Where(o => o.AnyFailure).Select(o => o.Target.Scenario.Name)];
        int exitCode = bundled
            ? (unexpected == 0 ? ExitCodes.Ok : ExitCodes.Failed)
            : (failedScenarios.Length == 0 ? ExitCodes.Ok : ExitCodes.Failed);

        if (!settings.JsonToStandardOutput)
        {
            WriteHuman(settings, assemblyPath, models, kinds, outcomes, unexpected, failedScenarios.Length);
        }

        if (settings.Json is { IsSet: true })
        {
            JsonOutput.Write(settings.Json, Output, ToDocument(settings, assemblyPath, models, kinds, outcomes, failedScenarios, unexpected, exitCode));
        }

        if (settings.Html is { } html)
        {
            string source = assemblyPath ?? "bundled example scenarios";
            HtmlReport.Write(html, HtmlContent.From("check", $"writeback check: {source}",
                $"models {string.Join(" vs ", models.Select(m => m.Name))}; atomic write {settings.AtomicWriteBytes} bytes; seed {settings.Seed}",
                kinds, outcomes, (_, failure) => Reproduce(failure, assemblyPath)));
        }

        return exitCode;
    }

    private void WriteHuman(CheckSettings settings, string? assemblyPath, KernelModel[] models, CrashKind[] kinds,
                            IReadOnlyList<CheckOutcome> outcomes, int unexpected, int failedScenarios)
    {
        IAnsiConsole console = Output.Console;
        string source = assemblyPath is null ? "bundled example scenarios" : Markup.Escape(assemblyPath);
        console.MarkupLine($"[bold]writeback check[/]: {source}; models {Markup.Escape(string.Join(" vs ", models.Select(m => m.Name)))}; "
                           + $"atomic write {settings.AtomicWriteBytes} bytes; seed {settings.Seed}"
                           + (settings.Shard is null ? "" : $"; shard {Markup.Escape(settings.Shard)}"));
        console.Write(CheckRenderer.Matrix(outcomes, kinds));
        foreach (string line in ExplorationText.ReductionLines([.. outcomes.SelectMany(o => o.Reports)]))
        {
            Output.WriteWholeLine(line);
        }

        foreach (CheckOutcome outcome in outcomes.Where(o => o.AnyFailure))
        {
            console.WriteLine();
            if (outcome.Target.Summary is { } summary)
            {
                console.MarkupLine($"[bold]{Markup.Escape(outcome.Target.Scenario.Name)}[/]: {Markup.Escape(summary)}"
                                   + (outcome.Target.Why is { } why ? $" [grey]{Markup.Escape(why)}[/]" : ""));
            }

            var candidateOnly = outcome.CandidateOnlyFailures().Select(f => (f.Kind, f.CrashPointIndex)).ToHashSet();
            foreach (CrashReport report in outcome.Reports.Where(r => r.Failures.Count > 0))
            {
                CrashFailure first = First(report);
                bool only = outcome.Reports.Count == 2 && report == outcome.Reports[1] && candidateOnly.Contains((first.Kind, first.CrashPointIndex));
                console.Write(CheckRenderer.Failure(outcome, report, first, only, console.Profile.Width));
                // Whole, never wrapped at the terminal's width, so that it can be copied and run.
                Output.WriteWholeLine($"reproduce: {Reproduce(first, assemblyPath)}");
            }
        }

        console.WriteLine();
        if (assemblyPath is null)
        {
            console.MarkupLine(unexpected == 0
                ? $"[green]Every verdict is as documented[/] ({outcomes.Count} example scenarios; {failedScenarios} of them fail on purpose somewhere)."
                : $"[red]{unexpected} verdict(s) UNEXPECTED[/]: they differ from the examples' documentation.");
            // Where a new user goes from here: their own scenarios, or any program.
            console.MarkupLine("[grey]Next: your own C# scenarios with 'check --assembly My.dll' (docs/crash-testing.md), "
                               + "or any program with 'trace --dir DIR --checker CMD -- PROGRAM [[ARGS...]]' (docs/trace.md).[/]");
        }
        else
        {
            console.MarkupLine(failedScenarios == 0
                ? $"[green]No crash state broke any of the {outcomes.Count} scenario(s).[/]"
                : $"[red]{failedScenarios} of {outcomes.Count} scenario(s) failed.[/]");
        }
    }

    /// <summary>The simulator's reproduce line, with the assembly inserted when the scenario came from one.</summary>
    /// <param name="failure">The failure.</param>
    /// <param name="assemblyPath">The user's assembly, or null.</param>
    /// <returns>A command line.</returns>
    internal static string Reproduce(CrashFailure failure, string? assemblyPath)
    {
        const string prefix = "writeback check";
        if (assemblyPath is null || !failure.Reproduce.StartsWith(prefix, StringComparison.Ordinal))
        {
            return Invocation.Apply(failure.Reproduce);
        }

        return Invocation.Apply($"{prefix} --assembly {CommandLine.Quote(assemblyPath)}{failure.Reproduce[prefix.Length..]}");
    }

    private static CheckDocument ToDocument(CheckSettings settings, string? assemblyPath, KernelModel[] models, CrashKind[] kinds,
                                            IReadOnlyList<CheckOutcome> outcomes, string[] failedScenarios, int unexpected, int exitCode)
    {
        (int shardIndex, int shardCount) = settings.ParseShard();
        var scenarios = outcomes.Select(o => new CheckScenarioDocument(
            o.Target.Scenario.Name,
            o.Target.Summary,
            o.Target.Why,
            !o.AnyFailure,
            [.. o.Reports.SelectMany(r => kinds.Select(k =>
            {
                bool passed = CheckOutcome.Passed(r, k);
                bool? expected = o.Expected(r, k);
                return new CheckVerdict(r.Model.Name, k, passed, r.Failures.Count(f => f.Kind == k), expected,
                                        expected is null ? null : expected == passed);
            }))],
            o.Reports.Count == 2 ? o.CandidateOnlyFailures().Count : null,
            [.. o.Reports.Where(r => r.Failures.Count > 0).Select(r => FirstFailure(r, assemblyPath))],
            settings.Compact ? null : [.. o.Reports.Select(r => ReportJson(r, assemblyPath))])).ToList();
        return new CheckDocument(WritebackCli.Version, assemblyPath is null ? "bundled" : "assembly", assemblyPath,
                                 [.. models.Select(m => m.Name)], kinds, settings.AtomicWriteBytes, settings.Seed,
                                 $"{shardIndex}/{shardCount}", scenarios, failedScenarios, unexpected, exitCode, settings.Compact);
    }

    /// <summary>The failure the human output shows first for a model: the earliest crash point, then the first kind.</summary>
    internal static CrashFailure First(CrashReport report) =>
        report.Failures.OrderBy(f => f.CrashPointIndex).ThenBy(f => f.Kind).First();

    private static CheckFirstFailure FirstFailure(CrashReport report, string? assemblyPath)
    {
        CrashFailure first = First(report);
        return new CheckFirstFailure(report.Model.Name, first.Kind, first.CrashPointIndex, first.Call, first.Message,
                                     Reproduce(first, assemblyPath), first.Explanation);
    }

    /// <summary>The simulator's report as JSON, with each failure's reproduce line naming the user's assembly.</summary>
    private static JsonNode? ReportJson(CrashReport report, string? assemblyPath)
    {
        var node = JsonNode.Parse(report.ToJson());
        if (assemblyPath is not null && node?["failures"] is JsonArray failures)
        {
            for (int i = 0; i < failures.Count && i < report.Failures.Count; i++)
            {
                if (failures[i] is JsonObject failure && failure.ContainsKey("reproduce"))
                {
                    failure["reproduce"] = Reproduce(report.Failures[i], assemblyPath);
                }
            }
        }

        return node;
    }
}
