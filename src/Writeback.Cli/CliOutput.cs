using Spectre.Console;

namespace Writeback.Cli;

/// <summary>
/// Where a command writes: the console for human-readable output, a writer for error lines, and
/// standard output as a plain writer for machine-readable JSON. Tests substitute all three.
/// </summary>
internal sealed class CliOutput
{
    /// <summary>Creates the output over the given console and writers.</summary>
    /// <param name="console">Human-readable output (tables, maps, progress).</param>
    /// <param name="standardOutput">Plain standard output, for <c>--json</c> without a file.</param>
    /// <param name="standardError">Error lines.</param>
    /// <param name="outputRedirected">Whether standard output is not a terminal (no progress bars then).</param>
    public CliOutput(IAnsiConsole console, TextWriter standardOutput, TextWriter standardError, bool outputRedirected)
    {
        Console = console;
        StandardOutput = standardOutput;
        StandardError = standardError;
        OutputRedirected = outputRedirected;
    }

    /// <summary>Human-readable output.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Plain standard output, where <c>--json</c> without a file writes.</summary>
    public TextWriter StandardOutput { get; }

    /// <summary>Where error lines go.</summary>
    public TextWriter StandardError { get; }

    /// <summary>Whether standard output is redirected (to a file or a pipe).</summary>
    public bool OutputRedirected { get; }

    /// <summary>
    /// Time between plain progress lines when no progress bar is drawn; <see langword="null"/> for
    /// <see cref="Output.ProgressLines.DefaultInterval"/>.
    /// </summary>
    public TimeSpan? ProgressInterval { get; init; }

    /// <summary>Whether a progress bar may be drawn: an interactive terminal and no JSON on standard output.</summary>
    /// <param name="jsonToStandardOutput">Whether the command writes JSON to standard output.</param>
    /// <returns><see langword="true"/> when a live progress display will not corrupt the output.</returns>
    public bool CanShowProgress(bool jsonToStandardOutput) =>
        !jsonToStandardOutput && !OutputRedirected && Console.Profile.Capabilities.Interactive;

    /// <summary>
    /// Writes one line to the human-readable output as it is, never wrapped at the console's width:
    /// for paths and command lines, which must stay whole to be copied.
    /// </summary>
    /// <param name="line">The line, without markup.</param>
    public void WriteWholeLine(string line)
    {
        TextWriter writer = Console.Profile.Out.Writer;
        writer.WriteLine(line);
        writer.Flush();
    }

    /// <summary>The output of a real process: the terminal, Console.Out and Console.Error.</summary>
    /// <returns>The process's output.</returns>
    public static CliOutput ForProcess()
    {
        IAnsiConsole console = AnsiConsole.Console;
        // COLUMNS, as the shell exports it or as a user sets it for a pipe or a CI log, wins over
        // the terminal's width and over the 80 columns assumed when the output is not a terminal.
        if (ColumnsOrNull(Environment.GetEnvironmentVariable("COLUMNS")) is { } columns)
        {
            console.Profile.Width = columns;
        }

        return new(console, System.Console.Out, System.Console.Error, System.Console.IsOutputRedirected);
    }

    /// <summary>The width the <c>COLUMNS</c> variable asks for, if it holds a usable one.</summary>
    /// <param name="value">The variable's value, or <see langword="null"/> when unset.</param>
    /// <returns>The width, or <see langword="null"/> for unset, empty, not a number, below 20 or above 1000.</returns>
    internal static int? ColumnsOrNull(string? value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int columns)
        && columns is >= 20 and <= 1000
            ? columns
            : null;
}
