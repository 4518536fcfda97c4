using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Writeback.Cli.Tests;

/// <summary>
/// Packs the tool with <c>dotnet pack</c>, installs it into a temporary tool path with
/// <c>dotnet tool install</c> and runs the installed <c>writeback</c>, as a user would.
/// </summary>
[Collection(PackagesCollection.Name)]
public class ToolPackageTests(PackagesFixture packages)
{
    /// <summary>The package a user installs; SkiaSharp's natives for every OS made it 78 MB.</summary>
    private const long MaxToolPackageBytes = 30L << 20;

    [Fact]
    public void One_pack_at_the_solution_yields_the_tool_and_both_libraries_and_no_unpackable_project()
    {
        packages.AssertPacked();
        string[] ids = [.. Directory.GetFiles(packages.Source, "*.nupkg")
            .Select(p => Path.GetFileName(p)[..^$".{WritebackCli.Version}.nupkg".Length])];
        Assert.Contains("Writeback.Cli", ids);
        Assert.Contains("Writeback", ids);
        Assert.Contains("Writeback.Simulation", ids);
        // Tests, benchmarks and LossyFs (shipped inside the tool) are IsPackable=false.
        Assert.DoesNotContain(ids, id => id.EndsWith(".Tests", StringComparison.Ordinal)
                                         || id is "Writeback.Benchmarks" or "Writeback.LossyFs");
    }

    [Fact]
    public void Tool_package_is_at_most_30_MB_and_carries_the_linux_x64_chart_natives()
    {
        packages.AssertPacked();
        string package = Path.Combine(packages.Source, $"Writeback.Cli.{WritebackCli.Version}.nupkg");
        long bytes = new FileInfo(package).Length;
        Assert.True(bytes <= MaxToolPackageBytes, $"{package} is {bytes} bytes, more than {MaxToolPackageBytes}");
        using ZipArchive zip = System.IO.Compression.ZipFile.OpenRead(package);
        Assert.Contains(zip.Entries, e => e.FullName.EndsWith("runtimes/linux-x64/native/libSkiaSharp.so", StringComparison.Ordinal));
        Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("runtimes/win-", StringComparison.Ordinal));
    }

    [Fact]
    public void Library_packages_carry_readme_licence_xml_docs_and_metadata()
    {
        packages.AssertPacked();
        foreach (string id in new[] { "Writeback", "Writeback.Simulation" })
        {
            string package = Path.Combine(packages.Source, $"{id}.{WritebackCli.Version}.nupkg");
            using ZipArchive zip = System.IO.Compression.ZipFile.OpenRead(package);
            string[] entries = [.. zip.Entries.Select(e => e.FullName)];
            Assert.Contains("PACKAGE.md", entries);
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);
            using var nuspec = new StreamReader(zip.GetEntry($"{id}.nuspec")!.Open());
            string text = nuspec.ReadToEnd();
            Assert.Contains("<license type=\"expression\">MIT</license>", text);
            Assert.Contains("<readme>PACKAGE.md</readme>", text);
            Assert.Contains("<repository type=\"git\"", text);
            Assert.Matches("<description>.{40,}</description>", text);
            Assert.Matches("<tags>.+</tags>", text);
        }
    }

    [Fact]
    public void Packed_tool_installs_and_runs_version_and_check_json()
    {
        packages.AssertPacked();
        using var directory = new TempDirectory();
        string tools = directory.File("tools");
        var timeout = TimeSpan.FromMinutes(4);
        Assert.True(File.Exists(Path.Combine(packages.Source, $"Writeback.Cli.{WritebackCli.Version}.nupkg")));

        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages.PrivateCache };
        ProcessRunner.Result install = ProcessRunner.Run("dotnet",
            ["tool", "install", "--tool-path", tools, "--configfile", packages.LocalOnlyConfig, "--add-source", packages.Source,
             "Writeback.Cli", "--version", WritebackCli.Version],
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
        using var json = JsonDocument.Parse(check.StandardOutput);
        Assert.Equal("bundled", json.RootElement.GetProperty("mode").GetString());
        Assert.True(json.RootElement.GetProperty("scenarios").GetArrayLength() > 0);
        int unexpected = json.RootElement.GetProperty("unexpectedVerdicts").GetInt32();
        Assert.Equal(unexpected == 0 ? ExitCodes.Ok : ExitCodes.Failed, check.ExitCode);
        Assert.Equal("", check.StandardError);

        // The chart needs SkiaSharp's native library: the installed tool must still find it.
        string work = directory.File("bench");
        Directory.CreateDirectory(work);
        ProcessRunner.Result bench = ProcessRunner.Run(writeback,
            ["bench", "--strategy", "msync", "--size", "1", "--iterations", "3", "--rounds", "1", "--dir", work, "--out", work],
            directory.Path, timeout, runEnvironment);
        Assert.True(bench.ExitCode == 0, bench.ToString());
        byte[] png = File.ReadAllBytes(Path.Combine(work, "writeback-bench.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }
}
