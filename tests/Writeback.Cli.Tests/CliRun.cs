using Spectre.Console.Testing;

namespace Writeback.Cli.Tests;

/// <summary>Runs the writeback command line in-process with captured output.</summary>
internal sealed record CliRun(int ExitCode, string Console, string StandardOutput, string StandardError)
{
    public static CliRun Of(params string[] args) => Of(CancellationToken.None, args);

    public static CliRun Of(CancellationToken cancellationToken, params string[] args) => OfWidth(200, cancellationToken, args);

    /// <summary>Runs with a console of <paramref name="width"/> columns, as a terminal or COLUMNS would give.</summary>
    public static CliRun OfWidth(int width, params string[] args) => OfWidth(width, CancellationToken.None, args);

    /// <summary>Runs with plain progress lines every <paramref name="progressInterval"/> (output is redirected, as in a log).</summary>
    public static CliRun WithProgressEvery(TimeSpan progressInterval, params string[] args) => OfWidth(200, CancellationToken.None, args, progressInterval);

    private static CliRun OfWidth(int width, CancellationToken cancellationToken, string[] args, TimeSpan? progressInterval = null)
    {
        TestConsole console = new TestConsole().Width(width);
        var standardOutput = new StringWriter();
        var standardError = new StringWriter();
        // outputRedirected: true, as under a test runner: no live displays, no progress bars.
        var output = new CliOutput(console, standardOutput, standardError, outputRedirected: true) { ProgressInterval = progressInterval };
        int exitCode = WritebackCli.Run(args, output, cancellationToken);
        return new CliRun(exitCode, console.Output, standardOutput.ToString(), standardError.ToString());
    }

    public override string ToString() =>
        $"exit {ExitCode}\n--- console\n{Console}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}
