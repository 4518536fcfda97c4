namespace Writeback.Cli.Tests;

/// <summary>The lossyfs commands follow the CLI's conventions: one 'writeback:' line on stderr per error, --json everywhere.</summary>
public sealed class LossyFsCommandTests
{
    [Theory]
    [InlineData("status")]
    [InlineData("crash")]
    [InlineData("unmount")]
    [InlineData("fault")]
    public void Every_subcommand_without_a_mount_fails_with_one_stderr_line_and_nothing_on_stdout(string command)
    {
        string nowhere = Directory.CreateTempSubdirectory("lossyfs-cli-").FullName;
        try
        {
            string[] args = command == "fault"
                ? ["lossyfs", command, nowhere, "--path", "/f", "--op", "write", "--json"]
                : ["lossyfs", command, nowhere, "--json"];
            var run = CliRun.Of(args);
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal("", run.StandardOutput);
            Assert.Equal("", run.Console);
            string line = Assert.Single(run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("writeback: no LossyFs is mounted at", line);
        }
        finally
        {
            Directory.Delete(nowhere);
        }
    }

    [Fact]
    public void Fault_help_renders_the_half_open_range_and_exits_0()
    {
        var run = CliRun.Of("lossyfs", "fault", "--help");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[A, B)", run.Console);
    }

    [Fact]
    public void Mount_with_a_missing_backing_directory_is_a_usage_error_on_one_line()
    {
        var run = CliRun.Of("lossyfs", "mount", "--backing", "/nonexistent/backing", "/tmp", "--json");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("writeback: lossyfs mount: backing directory", run.StandardError);
    }
}
