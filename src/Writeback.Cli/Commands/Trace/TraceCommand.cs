using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Commands.Check;
using Writeback.Cli.Output;
using Writeback.Formatting;
using Writeback.Tracing;

namespace Writeback.Cli.Commands.Trace;

/// <summary>
/// <c>writeback trace</c>: records a program under ptrace (or loads a saved recording), replays it
/// through the simulator under each model and crash kind, and runs the user's checker on every
/// distinct post-crash image. Output and JSON are <c>check</c>'s, the scenario named after the
/// program. Exit 0 when nothing failed, 1 when a crash state broke the program, 2 for bad input.
/// </summary>
internal sealed class TraceCommand(CliOutput output) : OutputCommand<TraceSettings>(output)
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, TraceSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Models.Any(m => string.Equals(m, "list", StringComparison.OrdinalIgnoreCase)))
        {
            return CheckCommand.ListModels(Output.Console);
        }

        KernelModel[] models = Parse(() => CheckCommand.ParseModels(settings.Models, settings.ModelFiles));
        CrashKind[] kinds = Parse(() => CheckCommand.ParseKinds(settings.CrashKinds));
        Recording recording = Obtain(context, settings, Output.StandardError);
        var scenario = new TraceScenario(recording, new CheckerOptions
        {
            Command = settings.Checker!,
            Timeout = TimeSpan.FromSeconds(settings.CheckerTimeoutSeconds),
            IgnoredPaths = settings.Ignore,
            ScenarioName = settings.Name,
            WorkingDirectory = Environment.CurrentDirectory,
            VerdictDependsOnContext = settings.CheckerUsesContext,
        });
        var options = settings.ToExplorerOptions(kinds);

        var started = System.Diagnostics.Stopwatch.StartNew();
        SimulationRecord record = CrashExplorer.Record(scenario);
        if (settings.WriteImage is { } imageDirectory && settings.CrashPoint is { } crashPoint)
        {
            return WriteImages(record, scenario, models[0], kinds[0], crashPoint, options, imageDirectory);
        }

        var reports = new List<CrashReport>();
        WithProgress(settings.JsonToStandardOutput, progress =>
        {
            foreach (KernelModel model in models)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ProgressTask? task = progress?.AddTask(Markup.Escape($"{scenario.Name} / {model.Name}"), maxValue: 1);
                (IProgress<ExplorationProgress> reporter, IDisposable? lines) = StartProgress(task, $"trace: {scenario.Name} / {model.Name}", () => scenario.CheckerRuns);
                try
                {
                    reports.Add(Explore(new CrashExplorer(model, options with { Progress = reporter }), record, scenario));
                }
                finally
                {
                    lines?.Dispose();
                }
                task?.Value = 1;
            }
        });
        var run = new TraceRun(settings, recording, scenario, record, models, kinds, new CheckOutcome(new CheckTarget(scenario, Summary(recording), null, null), reports),
                               started.Elapsed);
        return new TraceReport(Output).Write(run);
    }

    private static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (UsageException e)
        {
            throw new UsageException("trace:" + e.Message["check:".Length..]);
        }
    }

    private static Recording Obtain(CommandContext context, TraceSettings settings, TextWriter error)
    {
        IReadOnlyList<string> program = context.Remaining.Raw;
        if (settings.Checker is null)
        {
            throw new UsageException("trace: --checker 'CMD' is required: it judges each post-crash image.");
        }
        if (settings.Load is { } load)
        {
            if (program.Count > 0 || settings.Directory is not null)
            {
                throw new UsageException("trace: --load explores a saved recording; give no --dir and no program with it.");
            }
            if (!File.Exists(load))
            {
                throw new UsageException($"trace: recording '{load}' does not exist.");
            }
            using FileStream stream = File.OpenRead(load);
            try
            {
                return Recording.Load(stream);
            }
            catch (InvalidDataException e)
            {
                throw new UsageException($"trace: cannot load '{load}': {e.Message}.");
            }
        }
        if (settings.Directory is null || program.Count == 0)
        {
            throw new UsageException("trace: give --dir DIR and put the program after --: writeback trace --dir DIR --checker CMD -- PROGRAM [ARGS...] (or --load TRACE).");
        }
        ProgramArguments.Check(settings.Directory, program, Environment.CurrentDirectory, error.WriteLine);
        Recording recording = TraceRecorder.Record(new RecorderOptions
        {
            Directory = settings.Directory,
            Program = program[0],
            Arguments = [.. program.Skip(1)],
            Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
        });
        if (settings.Save is { } save)
        {
            JsonOutput.CreateDirectoryOf(save);
            using FileStream stream = File.Create(save);
            recording.Save(stream);
        }
        return recording;
    }

    private static string Summary(Recording recording) =>
        $"{string.Join(' ', new[] { recording.Program }.Concat(recording.Arguments))} in {recording.Directory}: "
        + $"{recording.SystemCallCount} system calls, {recording.Events.Count} recorded events";

    /// <summary>Explores one model; a checker that hung or crashed ends the run with its own one-line message.</summary>
    private static CrashReport Explore(CrashExplorer explorer, SimulationRecord record, TraceScenario scenario)
    {
        CrashReport report = explorer.Explore(record, scenario);
        scenario.ThrowIfCheckerFailed();
        return report;
    }

    private int WriteImages(SimulationRecord record, TraceScenario scenario, KernelModel model, CrashKind kind, int crashPoint, ExplorerOptions options,
                            string directory)
    {
        if (crashPoint < 0 || crashPoint > record.CallCount)
        {
            throw new UsageException($"trace: --crash-point must be between 0 and {record.CallCount}, not {crashPoint}.");
        }
        int count = TraceImages.WriteImages(record, model, kind, crashPoint, options, directory, scenario: scenario);
        Output.Console.MarkupLine($"wrote {Counted.Of(count, "distinct image")} of crash point {crashPoint} ({Markup.Escape(record.DescribeCrashPoint(crashPoint))}; "
                                  + $"{Markup.Escape(model.Name)}, {CheckRenderer.KindLabel(kind)}) to {Markup.Escape(directory)}/state-*, "
                                  + "each with the checker's output (state-I.output.txt) and verdict (state-I.verdict.txt) beside it");
        return ExitCodes.Ok;
    }
}
