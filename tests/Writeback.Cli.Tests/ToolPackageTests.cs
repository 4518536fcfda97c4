using System.Runtime.InteropServices;
using System.Text.Json;

namespace Writeback.Cli.Tests;

/// <summary>
/// Packs the tool with <c>dotnet pack</c>, installs it into a temporary tool path with
/// <c>dotnet tool install</c> and runs the installed <c>writeback</c>, as a user would.
/// </summary>
public class ToolPackageTests
{
    [Fact]
    public void Packed_tool_installs_and_runs_version_and_check_json()
    {
        using var directory = new TempDirectory();
        string packages = directory.File("packages");
        string tools = directory.File("tools");
        TimeSpan timeout = TimeSpan.FromMinutes(4);
        string root = ProcessRunner.RepositoryRoot();

        ProcessRunner.Result pack = ProcessRunner.Run("dotnet",
            ["pack", Path.Combine(root, "src", "Writeback.Cli", "Writeback.Cli.csproj"), "-c", "Release", "-o", packages, "--nologo"],
            root, timeout);
        Assert.True(pack.ExitCode == 0, "dotnet pack failed: " + pack);
        string package = Assert.Single(Directory.GetFiles(packages, "Writeback.Cli.*.nupkg"));
        Assert.EndsWith($"Writeback.Cli.{WritebackCli.Version}.nupkg", package);

        // A private package cache, so that an older Writeback.Cli of the same version cached on this
        // machine cannot stand in for the one just packed.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = directory.File("nuget-cache") };
        ProcessRunner.Result install = ProcessRunner.Run("dotnet",
            ["tool", "install", "--tool-path", tools, "--add-source", packages, "Writeback.Cli", "--version", WritebackCli.Version],
            directory.Path, timeout, environment);
        Assert.True(install.ExitCode == 0, "dotnet tool install failed: " + install);

        string writeback = Path.Combine(tools, OperatingSystem.IsWindows() ? "writeback.exe" : "writeback");
        Assert.True(File.Exists(writeback), $"{writeback} was not installed");
        // The apphost finds the runtime through DOTNET_ROOT: the one running these tests.
        string dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var runEnvironment = new Dictionary<string, string> { ["DOTNET_ROOT"] = dotnetRoot };

        ProcessRunner.Result version = ProcessRunner.Run(writeback, ["--version"], directory.Path, timeout, runEnvironment);
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Equal(WritebackCli.Version, version.StandardOutput.Trim());

        ProcessRunner.Result check = ProcessRunner.Run(writeback, ["check", "--json"], directory.Path, timeout, runEnvironment);
        using JsonDocument json = JsonDocument.Parse(check.StandardOutput);
        Assert.Equal("bundled", json.RootElement.GetProperty("mode").GetString());
        Assert.True(json.RootElement.GetProperty("scenarios").GetArrayLength() > 0);
        int unexpected = json.RootElement.GetProperty("unexpectedVerdicts").GetInt32();
        Assert.Equal(unexpected == 0 ? ExitCodes.Ok : ExitCodes.Failed, check.ExitCode);
        Assert.Equal("", check.StandardError);
    }
}
