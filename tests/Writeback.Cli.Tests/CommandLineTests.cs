namespace Writeback.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public void Version_prints_the_assembly_version_and_exits_0()
    {
        var run = CliRun.Of("--version");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(WritebackCli.Version, run.Console.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", run.Console.Trim());
    }

    [Fact]
    public void Help_lists_every_command()
    {
        var run = CliRun.Of("--help");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("check", run.Console);
        Assert.Contains("bench", run.Console);
        Assert.Contains("inspect", run.Console);
    }

    [Theory]
    [InlineData("inspect", "--offset", "--length", "--watch", "--interval-ms", "--count", "--json")]
    [InlineData("check", "--assembly", "--scenario", "--model", "--crash-kind", "--atomic-write-bytes", "--seed", "--shard", "--max-states", "--json")]
    [InlineData("bench", "--dir", "--size", "--quick", "--iterations", "--rounds", "--dirty-pages", "--concurrency", "--strategy", "--chart", "--no-chart", "--json")]
    public void Command_help_explains_each_option(string command, params string[] options)
    {
        var run = CliRun.Of(command, "--help");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (string option in options)
        {
            Assert.Contains(option, run.Console);
        }
    }

    [Fact]
    public void Unknown_command_is_a_usage_error_on_one_line()
    {
        var run = CliRun.Of("frobnicate");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("writeback: unknown command 'frobnicate'; commands: check, trace, whatif, models, corpus, realfs, bench, inspect, lossyfs.", run.StandardError.TrimEnd());
    }

    [Fact]
    public void Unknown_option_is_a_usage_error_without_a_stack_trace()
    {
        var run = CliRun.Of("inspect", "x", "--no-such-option");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Single(run.StandardError.TrimEnd().Split('\n'));
        Assert.Contains("no-such-option", run.StandardError);
        Assert.DoesNotContain("   at ", run.StandardError + run.Console);
    }

    [Fact]
    public void Missing_file_is_a_usage_error_naming_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), "writeback-no-such-file-" + Guid.NewGuid().ToString("N"));
        var run = CliRun.Of("inspect", path);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(path, run.StandardError);
    }

    [Fact]
    public void Negative_offset_fails_validation()
    {
        var run = CliRun.Of("inspect", "/etc/hostname", "--offset", "-5");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--offset", run.StandardError);
    }

    [Fact]
    public void Unexpected_exceptions_become_one_line_and_exit_70()
    {
        var error = new StringWriter();
        var output = new CliOutput(new Spectre.Console.Testing.TestConsole(), new StringWriter(), error, true);
        int exitCode = WritebackCli.HandleException(new InvalidOperationException("boom\nsecond line"), output);
        Assert.Equal(ExitCodes.Internal, exitCode);
        Assert.Equal("writeback: internal error (InvalidOperationException): boom second line", error.ToString().TrimEnd());
    }

    [Fact]
    public void Io_failures_exit_1()
    {
        var error = new StringWriter();
        var output = new CliOutput(new Spectre.Console.Testing.TestConsole(), new StringWriter(), error, true);
        var exception = new WritebackException("msync", "data.bin", 4096, 8192, 5);
        Assert.Equal(ExitCodes.Failed, WritebackCli.HandleException(exception, output));
        Assert.Contains("msync(offset=4096, length=8192) failed on 'data.bin': EIO", error.ToString());
    }

    [Theory]
    [InlineData("bench", "--size", "x", "a whole number")]
    [InlineData("bench", "-s", "x", "a whole number")]
    [InlineData("inspect", "--length", "1.5", "a whole number")]
    [InlineData("check", "--seed", "-1", "a whole number from 0 to 18446744073709551615")]
    public void A_value_of_the_wrong_type_names_the_option_as_typed_and_what_is_allowed(string command, string option, string value, string expected)
    {
        string[] args = command == "inspect" ? [command, "/etc/hostname", option, value] : [command, option, value];
        var run = CliRun.Of(args);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal($"writeback: {command}: invalid value '{value}' for {option}: expected {expected}.", run.StandardError.TrimEnd());
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("-z")]
    public void An_unknown_option_is_named_as_typed_with_where_to_find_the_options(string option)
    {
        var run = CliRun.Of("check", option);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal($"writeback: check: unknown option '{option}'; 'writeback check --help' lists the options.", run.StandardError.TrimEnd());
    }

    [Theory]
    [InlineData("1000")]
    [InlineData("0")]
    [InlineData("32")]
    public void An_atomic_write_unit_the_explorer_cannot_model_names_the_option_and_the_allowed_values(string value)
    {
        var run = CliRun.Of("check", "--atomic-write-bytes", value);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal($"writeback: check: --atomic-write-bytes must be one of 64, 128, 256, 512, 1024, 2048, 4096 (a page of 4096 bytes "
                     + $"in at most 64 units; 512 models torn sectors) or a multiple of 4096, not {value}.", run.StandardError.TrimEnd());
    }

    [Theory]
    [InlineData("512")]
    [InlineData("8192")]
    public void Every_atomic_write_unit_the_message_allows_is_accepted(string value)
    {
        Assert.Null(Commands.Check.CheckSettings.AtomicWriteErrorOrNull(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void An_assembly_that_is_a_directory_says_so()
    {
        using var directory = new TempDirectory();
        var run = CliRun.Of("check", "--assembly", directory.Path);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal($"writeback: check: --assembly '{directory.Path}' is a directory; give the .dll file your project builds, "
                     + "e.g. bin/Debug/net10.0/MyScenarios.dll.", run.StandardError.TrimEnd());
    }

    [Theory]
    [InlineData("--chart", "x.png")]
    [InlineData("--out", "results")]
    public void Contradictory_options_are_a_usage_error(string option, string value)
    {
        var run = CliRun.Of("bench", "--no-chart", option, value);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith($"writeback: bench: --no-chart contradicts {option}", run.StandardError);
        Assert.Single(run.StandardError.TrimEnd().Split('\n'));
        Assert.False(File.Exists("x.png"));
    }

    [Fact]
    public void Count_without_watch_is_a_usage_error()
    {
        var run = CliRun.Of("inspect", "/etc/hostname", "--count", "3");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("writeback: inspect: --count counts the refreshes of --watch: give it with --watch.", run.StandardError.TrimEnd());
    }

    [Fact]
    public void Compact_without_json_is_a_usage_error()
    {
        var run = CliRun.Of("check", "--compact");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("writeback: check: --compact shapes the JSON report: give it with --json.", run.StandardError.TrimEnd());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("abc", null)]
    [InlineData("-5", null)]
    [InlineData("5", null)]
    [InlineData("80", 80)]
    [InlineData("132", 132)]
    public void Columns_is_read_from_the_environment_when_usable(string? value, int? expected)
    {
        Assert.Equal(expected, CliOutput.ColumnsOrNull(value));
    }

    [Fact]
    public void The_progress_display_clears_itself_when_done()
    {
        Assert.True(OutputCommand<Commands.Check.CheckSettings>.CreateProgress(new Spectre.Console.Testing.TestConsole()).AutoClear);
    }

    [Fact]
    public void Json_dash_means_standard_output()
    {
        Assert.Equal(["check", "--json", "--seed", "1"], WritebackCli.NormalizeArguments(["check", "--json", "-", "--seed", "1"]));
        Assert.Equal(["inspect", "-"], WritebackCli.NormalizeArguments(["inspect", "-"]));
        var run = CliRun.Of("check", "--model", "Linux3_16Range", "--json", "-");
        Assert.Equal("", run.Console);
        Assert.StartsWith("{", run.StandardOutput);
    }
}
