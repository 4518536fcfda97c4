namespace Writeback.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public void Version_prints_the_assembly_version_and_exits_0()
    {
        CliRun run = CliRun.Of("--version");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(WritebackCli.Version, run.Console.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", run.Console.Trim());
    }

    [Fact]
    public void Help_lists_every_command()
    {
        CliRun run = CliRun.Of("--help");
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
        CliRun run = CliRun.Of(command, "--help");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (string option in options)
        {
            Assert.Contains(option, run.Console);
        }
    }

    [Fact]
    public void Unknown_command_is_a_usage_error_on_one_line()
    {
        CliRun run = CliRun.Of("frobnicate");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("writeback: Unknown command 'frobnicate'.", run.StandardError.TrimEnd());
    }

    [Fact]
    public void Unknown_option_is_a_usage_error_without_a_stack_trace()
    {
        CliRun run = CliRun.Of("inspect", "x", "--no-such-option");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Single(run.StandardError.TrimEnd().Split('\n'));
        Assert.Contains("no-such-option", run.StandardError);
        Assert.DoesNotContain("   at ", run.StandardError + run.Console);
    }

    [Fact]
    public void Missing_file_is_a_usage_error_naming_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), "writeback-no-such-file-" + Guid.NewGuid().ToString("N"));
        CliRun run = CliRun.Of("inspect", path);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(path, run.StandardError);
    }

    [Fact]
    public void Negative_offset_fails_validation()
    {
        CliRun run = CliRun.Of("inspect", "/etc/hostname", "--offset", "-5");
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
    [InlineData("bench", "--size", "x")]
    [InlineData("inspect", "--length", "1.5")]
    [InlineData("check", "--seed", "-1")]
    public void A_value_of_the_wrong_type_names_the_option(string command, string option, string value)
    {
        string[] args = command == "inspect" ? [command, "/etc/hostname", option, value] : [command, option, value];
        CliRun run = CliRun.Of(args);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal($"writeback: invalid value '{value}' for {option}: expected a whole number.", run.StandardError.TrimEnd());
    }

    [Fact]
    public void Json_dash_means_standard_output()
    {
        Assert.Equal(["check", "--json", "--seed", "1"], WritebackCli.NormalizeArguments(["check", "--json", "-", "--seed", "1"]));
        Assert.Equal(["inspect", "-"], WritebackCli.NormalizeArguments(["inspect", "-"]));
        CliRun run = CliRun.Of("check", "--model", "Linux3_16Range", "--json", "-");
        Assert.Equal("", run.Console);
        Assert.StartsWith("{", run.StandardOutput);
    }
}
