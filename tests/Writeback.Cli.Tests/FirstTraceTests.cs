using Writeback.Cli.Commands.Trace;
using Writeback.Cli.Output;
using Writeback.Formatting;

namespace Writeback.Cli.Tests;

/// <summary>
/// A first trace that works (issue 17, items 5, 7 and 8): names, working directories, images with
/// their output and verdict, progress a log keeps, usage errors that help, reproduce lines that paste.
/// </summary>
public sealed class FirstTraceTests
{
    /// <summary>Writes a record from a second thread, prints after each fsync, never fsyncs the directory.</summary>
    private const string ThreadedLog = """
        import os, sys, threading
        fd = os.open("log.bin", os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)
        def write():
            os.write(fd, b"record 0\n")
        t = threading.Thread(target=write)
        t.start()
        t.join()
        os.fsync(fd)
        print("ack 1", flush=True)
        """;

    private const string Checker = """
        acked=$(grep -c ack "$WRITEBACK_OUTPUT"); have=$(cat "$WRITEBACK_IMAGE/log.bin" 2>/dev/null | wc -l); [ "$have" -ge "$acked" ] || { echo "log.bin has $have records, $acked acknowledged"; exit 1; }
        """;

    [SkippableFact]
    public void A_traced_run_is_named_states_its_directories_names_threads_and_writes_each_image_with_its_output_and_verdict()
    {
        TraceCommandTests.RequirePtrace();
        Skip.If(ExplanationTests.Python.Value is null, "python3 is not installed");
        using var directory = new TempDirectory();
        string dir = directory.File("db");
        Directory.CreateDirectory(dir);
        string script = directory.File("app.py");
        File.WriteAllText(script, ThreadedLog);
        string images = directory.File("images");

        var run = CliRun.WithProgressEvery(TimeSpan.FromMilliseconds(1), "trace", "--name", "my log", "--dir", dir, "--checker", Checker.Trim(), "--model", "Linux3_16Range",
                               "--crash-kind", "PowerLoss", "--checker-uses-context", "--write-image", images, "--", ExplanationTests.Python.Value!, script);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Crash states break my log.", run.Console, StringComparison.Ordinal);
        Assert.Contains($"the program ran in {Path.GetFullPath(dir)}; the checker ran in {Environment.CurrentDirectory}", run.Console, StringComparison.Ordinal);
        // The write came from a thread: named with its process, the script, and its own id as a thread.
        Assert.Matches(@"write\(log\.bin, offset 0, 9 bytes\) in pid (\d+) \(app\.py\), thread (?!\1)\d+", run.Console.Replace("\n│ ", " ", StringComparison.Ordinal));
        // A reproduce line pastes as it stands: the name with a space is quoted, no prose in it.
        string reproduce = run.Console.Split('\n').Single(l => l.StartsWith("reproduce: ", StringComparison.Ordinal));
        Assert.Contains("--name 'my log'", reproduce, StringComparison.Ordinal);
        Assert.Contains(" --checker-uses-context ", reproduce, StringComparison.Ordinal); // the reproduced checker is told what this one was
        Assert.DoesNotContain("(after", reproduce, StringComparison.Ordinal);
        // Beside the failing image: the output the checker was given, and its verdict.
        string image = Assert.Single(Directory.GetDirectories(images), d => !d.EndsWith("-shrunk", StringComparison.Ordinal));
        Assert.Equal("ack 1\n", File.ReadAllText(image + ".output.txt"));
        string[] verdict = File.ReadAllLines(image + ".verdict.txt");
        Assert.Equal("FAIL: log.bin has 0 records, 1 acknowledged", verdict[0]);
        Assert.Contains("model: Linux3_16Range", verdict);
        Assert.Contains($"checker ran in: {Environment.CurrentDirectory}", verdict);
        // Not a terminal: progress went to standard error as plain lines, the last one complete.
        string[] progress = run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(progress, l => Assert.StartsWith("trace: my log / Linux3_16Range: ", l, StringComparison.Ordinal));
        Assert.Matches(@"^trace: my log / Linux3_16Range: (\d+) of \1 crash points, \d+ states? checked, checker ran \d+ times? \(\d+ s\)$", progress[^1]);
    }

    [Fact]
    public void Checker_uses_context_and_image_only_checker_together_are_one_usage_error()
    {
        var run = CliRun.Of("trace", "--dir", "db", "--checker", "true", "--checker-uses-context", "--image-only-checker", "--", "true");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--checker-uses-context and --image-only-checker contradict each other", run.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_relative_argument_that_is_here_but_not_in_DIR_is_one_error_line_before_anything_runs()
    {
        using var directory = new TempDirectory();
        string dir = directory.File("db");
        Directory.CreateDirectory(dir);
        File.WriteAllText(directory.File("app.py"), "print('never runs')\n");
        string previous = Environment.CurrentDirectory;

        var notes = new List<string>();
        UsageException error = Assert.Throws<UsageException>(() => ProgramArguments.Check(dir, ["python3", "app.py", "3"], directory.Path, notes.Add));
        Assert.Contains($"'app.py' is not in {dir}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"give its full path ({directory.File("app.py")})", error.Message, StringComparison.Ordinal);

        // A file the program creates is in neither directory: a note, and the run goes on.
        ProgramArguments.Check(dir, ["sqlite3", "new.db", "PRAGMA x;"], directory.Path, notes.Add);
        Assert.Equal($"trace: note: 'new.db' does not exist in {dir}, where the program runs (fine if the program creates it).", Assert.Single(notes));
        ProgramArguments.Check(dir, ["prog", "--count", "3", "1.5", "http://x/y"], directory.Path, notes.Add);
        Assert.Single(notes);
        Assert.Equal(previous, Environment.CurrentDirectory);
    }

    [Fact]
    public void Trace_without_dashes_before_the_program_says_put_it_after_them()
    {
        var run = CliRun.Of("trace", "--dir", "db", "--checker", "true", "./app.py");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("writeback: trace: './app.py' is not an option: put the program after --, as in 'writeback trace [OPTIONS] -- ./app.py [ARGS...]'.\n",
                     run.StandardError.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData(new[] { "trcae" }, "writeback: unknown command 'trcae'; did you mean 'trace'? commands: check, trace, whatif, models, corpus, realfs, bench, inspect, lossyfs.")]
    [InlineData(new[] { "frobnicate" }, "writeback: unknown command 'frobnicate'; commands: check, trace, whatif, models, corpus, realfs, bench, inspect, lossyfs.")]
    [InlineData(new[] { "trace", "--chekcer", "x" }, "writeback: trace: unknown option '--chekcer'; did you mean '--checker'? 'writeback trace --help' lists the options.")]
    [InlineData(new[] { "lossyfs", "mont" }, "writeback: unknown command 'lossyfs mont'; did you mean 'lossyfs mount'? commands: lossyfs mount, lossyfs unmount, lossyfs status, lossyfs crash, lossyfs fault.")]
    [InlineData(new[] { "check", "--sede", "1" }, "writeback: check: unknown option '--sede'; did you mean '--seed'? 'writeback check --help' lists the options.")]
    public void An_unknown_command_or_option_gets_a_did_you_mean_in_the_usual_lower_case_form(string[] args, string expected)
    {
        var run = CliRun.Of(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected + "\n", run.StandardError.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("check")]
    [InlineData("trace")]
    [InlineData("trace show")]
    [InlineData("whatif")]
    [InlineData("models")]
    [InlineData("models show")]
    [InlineData("corpus record")]
    [InlineData("realfs")]
    [InlineData("bench")]
    [InlineData("inspect")]
    [InlineData("lossyfs")]
    [InlineData("lossyfs mount")]
    [InlineData("lossyfs unmount")]
    [InlineData("lossyfs status")]
    [InlineData("lossyfs crash")]
    [InlineData("lossyfs fault")]
    public void Every_commands_help_fits_80_columns_without_trailing_spaces_or_a_default_column(string command)
    {
        var run = CliRun.OfWidth(80, [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        string[] lines = run.Console.ReplaceLineEndings("\n").Split('\n');
        Assert.All(lines, l => Assert.False(l.EndsWith(' '), $"trailing space: '{l}'"));
        // Only examples stay whole (to be copied); every other line fits.
        Assert.All(lines.Where(l => !l.StartsWith("    writeback ", StringComparison.Ordinal)), l => Assert.True(l.Length <= 80, $"{l.Length} columns: '{l}'"));
        Assert.DoesNotContain("DEFAULT", run.Console, StringComparison.Ordinal);
        Assert.Contains("-h, --help", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_help_shows_the_program_after_dashes_and_its_required_options_first()
    {
        var run = CliRun.OfWidth(80, "trace", "--help");

        Assert.Contains("    writeback trace [OPTIONS] -- PROGRAM [ARGS...]", run.Console, StringComparison.Ordinal);
        string[] options = [.. run.Console.Split('\n').SkipWhile(l => l != "OPTIONS:").Skip(1).Where(l => l.StartsWith("    -", StringComparison.Ordinal))];
        Assert.StartsWith("    -h, --help", options[0], StringComparison.Ordinal);
        Assert.StartsWith("    -d, --dir <DIR>           Required unless --load.", options[1], StringComparison.Ordinal);
        Assert.StartsWith("    -c, --checker <CMD>       Required.", options[2], StringComparison.Ordinal);
        Assert.Contains("Default: 4096.", run.Console, StringComparison.Ordinal); // the default in the description
    }

    [Fact]
    public void Reproduce_lines_start_the_way_the_tool_was_started()
    {
        using var directory = new TempDirectory();
        string project = directory.File("clone/src/Writeback.Cli");
        Directory.CreateDirectory(Path.Combine(project, "bin/Debug/net10.0"));
        File.WriteAllText(Path.Combine(project, "Writeback.Cli.csproj"), "<Project />");
        string clone = directory.File("clone");

        // From a clone: dotnet run, with the project relative to the current directory.
        Assert.Equal("dotnet run --project src/Writeback.Cli --",
                     Invocation.Describe(Path.Combine(project, "bin/Debug/net10.0/Writeback.Cli"), Path.Combine(project, "bin/Debug/net10.0") + "/", clone, "/usr/bin"));
        // A local tool: the muxer runs the package's dll from the NuGet cache.
        Assert.Equal("dotnet writeback",
                     Invocation.Describe("/usr/share/dotnet/dotnet", "/home/u/.nuget/packages/writeback.cli/1.0.0/tools/net10.0/any/", clone, "/usr/bin"));
        // A global tool: its shim is on PATH.
        Assert.Equal("writeback",
                     Invocation.Describe("/home/u/.dotnet/tools/writeback", "/home/u/.dotnet/tools/.store/writeback.cli/1.0.0/writeback.cli/1.0.0/tools/net10.0/any/", clone,
                                         "/usr/bin:/home/u/.dotnet/tools"));
        // A tool path not on PATH: the shim's path, quoted when it needs it.
        Assert.Equal("'/opt/my tools/writeback'", Invocation.Describe("/opt/my tools/writeback", "/opt/my tools/.store/x/", clone, "/usr/bin"));
        Assert.Equal(Invocation.Prefix + " check --seed 1", Invocation.Apply("writeback check --seed 1"));
        Assert.Equal("'it'\\''s' a/b", CommandLine.Join(["it's", "a/b"]));
    }

    [Fact]
    public void Counts_take_the_singular_for_one()
    {
        Assert.Equal("1 record", Counted.Of(1, "record"));
        Assert.Equal("0 records", Counted.Of(0, "record"));
        Assert.Equal("1 page", Counted.Of(1, "page"));
        Assert.Equal("4096 bytes", Counted.Of(4096, "byte"));
        Assert.Equal("2 distinct images", Counted.Of(2, "distinct image"));
    }

    [Fact]
    public void Progress_lines_come_at_the_interval_and_at_the_end()
    {
        var error = new StringWriter();
        long runs = 0;
        using (var lines = new ProgressLines(error, "trace: app.py / Linux3_16Range", () => Interlocked.Read(ref runs), TimeSpan.FromMilliseconds(100)))
        {
            lines.Report(new Simulation.ExplorationProgress(5, 1, 3));
            Interlocked.Exchange(ref runs, 1);
            // A tick writes the state so far; wait for one (the machine may be loaded), never for a fixed time.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!error.ToString().Contains(" 1 of 3 crash points", StringComparison.Ordinal) && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(20);
            }
            lines.Report(new Simulation.ExplorationProgress(9, 3, 3));
        }

        string[] written = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(written, l => l.StartsWith("trace: app.py / Linux3_16Range: 1 of 3 crash points, 5 states checked, checker ran 1 time (", StringComparison.Ordinal));
        Assert.StartsWith("trace: app.py / Linux3_16Range: 3 of 3 crash points, 9 states checked, checker ran 1 time (", written[^1], StringComparison.Ordinal);
        Assert.True(written.Length >= 2, error.ToString());
    }

    [Fact]
    public void Check_without_a_terminal_writes_progress_lines_to_standard_error()
    {
        // Interval zero: a line at every crash point, so the lines do not depend on how fast the
        // machine runs the check (warm, it takes a fraction of a millisecond).
        var run = CliRun.WithProgressEvery(TimeSpan.Zero, "check", "--scenario", "header-barrier", "--model", "Linux3_16Range");

        string[] lines = run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("check: header-barrier / Linux3_16Range: ", l, StringComparison.Ordinal));
        Assert.True(lines.Length >= 2, run.ToString());
        Assert.Matches(@"^check: header-barrier / Linux3_16Range: (\d+) of \1 crash points, \d+ states checked \(\d+ s\)$", lines[^1]);
    }

    [Fact]
    public void A_run_shorter_than_one_progress_interval_writes_nothing_to_standard_error()
    {
        var run = CliRun.WithProgressEvery(TimeSpan.FromHours(1), "check", "--scenario", "header-barrier", "--model", "Linux3_16Range");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.StandardError);
    }

    [Fact]
    public void Progress_lines_wait_one_interval_and_a_run_that_wrote_none_ends_without_one()
    {
        var error = new StringWriter();
        using (var lines = new ProgressLines(error, "check: quick / Linux3_16Range", interval: TimeSpan.FromHours(1)))
        {
            lines.Report(new Simulation.ExplorationProgress(2, 1, 1));
        }

        Assert.Equal("", error.ToString());
    }
}
