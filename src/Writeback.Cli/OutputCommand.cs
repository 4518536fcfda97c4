using Spectre.Console;
using Spectre.Console.Cli;

namespace Writeback.Cli;

/// <summary>A writeback command: receives the <see cref="CliOutput"/> it writes to.</summary>
/// <typeparam name="TSettings">The command's options.</typeparam>
internal abstract class OutputCommand<TSettings> : Command<TSettings>
    where TSettings : CommandSettings
{
    /// <summary>Creates the command.</summary>
    /// <param name="output">Where it writes.</param>
    protected OutputCommand(CliOutput output) => Output = output;

    /// <summary>Where the command writes.</summary>
    protected CliOutput Output { get; }

    /// <summary>
    /// Runs <paramref name="work"/> under a progress display when one may be drawn (an interactive
    /// terminal and no JSON on standard output); otherwise with a null context, silently.
    /// </summary>
    /// <param name="jsonToStandardOutput">Whether the command writes JSON to standard output.</param>
    /// <param name="work">The work; adds and moves tasks on the context when it is not null.</param>
    protected void WithProgress(bool jsonToStandardOutput, Action<ProgressContext?> work)
    {
        if (!Output.CanShowProgress(jsonToStandardOutput))
        {
            work(null);
            return;
        }

        CreateProgress(Output.Console).Start(work);
    }

    /// <summary>
    /// Progress of one exploration: the bar's task when a progress display runs, else plain lines on
    /// standard error (<see cref="Output.ProgressLines"/>) that a log keeps. Dispose it when the work ends.
    /// </summary>
    /// <param name="task">The bar's task, or <see langword="null"/> when no display runs.</param>
    /// <param name="label">What runs, for the lines: <c>trace: app.py / Linux3_16Range</c>.</param>
    /// <param name="checkerRuns">The checker's run count so far, for a traced program.</param>
    /// <returns>The progress and what to dispose at the end.</returns>
    protected (IProgress<ExplorationProgress> Progress, IDisposable? Lines) StartProgress(ProgressTask? task, string label, Func<long>? checkerRuns = null)
    {
        if (task is not null)
        {
            return (new TaskProgress(task), null);
        }
        var lines = new Output.ProgressLines(Output.StandardError, label, checkerRuns, Output.ProgressInterval);
        return (lines, lines);
    }

    /// <summary>Moves a progress bar's task as crash points are done.</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<ExplorationProgress>
    {
        public void Report(ExplorationProgress value)
        {
            if (value.CrashPointsTotal > 0)
            {
                task.Value = (double)value.CrashPointsDone / value.CrashPointsTotal;
            }
        }
    }

    /// <summary>
    /// The progress display: cleared when the work is done (AutoClear), so that finished bars do not
    /// stay on screen above the results.
    /// </summary>
    /// <param name="console">The console it draws on.</param>
    /// <returns>The display, not started.</returns>
    internal static Progress CreateProgress(IAnsiConsole console) =>
        console.Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn());
}
