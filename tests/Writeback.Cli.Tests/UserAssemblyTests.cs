using System.Text.Json;
using Writeback.Simulation;

namespace Writeback.Cli.Tests;

/// <summary>
/// Builds a tiny scenario assembly with <c>dotnet build</c>, referencing the Writeback.Simulation
/// package just packed (as a user's project would), and runs it through <c>check --assembly</c>.
/// </summary>
public sealed class UserAssemblyFixture : IDisposable
{
    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <AssemblyName>UserScenarios</AssemblyName>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Writeback.Simulation" Version="VERSION" />
          </ItemGroup>
        </Project>
        """;

    private const string Source = """
        using Writeback;
        using Writeback.Simulation;

        namespace UserScenarios;

        /// A counter that is flushed with FlushFile before each acknowledgement: survives every crash.
        public sealed class FlushedCounter : ICrashScenario
        {
            public string Name => "flushed-counter";
            public void Run(IMappedStorage storage, Acknowledgements acknowledged) => Counter.Run(storage, acknowledged, flush: true);
            public CheckResult Check(IMappedStorage recovered, CrashContext context) => Counter.Check(recovered, context);
        }

        /// The same counter acknowledged without any flush: lost at a kernel crash or power loss.
        public sealed class UnflushedCounter : ICrashScenario
        {
            public string Name => "unflushed-counter";
            public void Run(IMappedStorage storage, Acknowledgements acknowledged) => Counter.Run(storage, acknowledged, flush: false);
            public CheckResult Check(IMappedStorage recovered, CrashContext context) => Counter.Check(recovered, context);
        }

        internal static class Counter
        {
            private const string FileName = "counter.bin";

            public static void Run(IMappedStorage storage, Acknowledgements acknowledged, bool flush)
            {
                using var file = storage.Open(FileName, new MappedFileOptions { Mode = FileMode.CreateNew, Length = 4096 });
                file.FlushFile();
                storage.FlushDirectory();
                for (long value = 1; value <= 3; value++)
                {
                    file.Write(0, BitConverter.GetBytes(value));
                    if (flush)
                    {
                        file.FlushFile();
                    }
                    acknowledged.Add(value);
                }
            }

            public static CheckResult Check(IMappedStorage recovered, CrashContext context)
            {
                long acknowledged = context.Acknowledged.Count == 0 ? 0 : context.Acknowledged[^1];
                if (!recovered.Exists(FileName))
                {
                    return acknowledged == 0 ? CheckResult.Ok : CheckResult.Fail($"{FileName} is missing after {acknowledged} acknowledgements");
                }
                using var file = recovered.Open(FileName, new MappedFileOptions { Mode = FileMode.Open, Access = FileAccess.Read });
                if (file.Length < 8)
                {
                    return acknowledged == 0 ? CheckResult.Ok : CheckResult.Fail($"{FileName} is {file.Length} bytes long");
                }
                byte[] bytes = new byte[8];
                file.Read(0, bytes);
                long value = BitConverter.ToInt64(bytes);
                return value >= acknowledged ? CheckResult.Ok : CheckResult.Fail($"counter is {value} but {acknowledged} was acknowledged");
            }
        }

        /// A workload with a bug: it writes past the end of its file.
        public sealed class BuggyWorkload : ICrashScenario
        {
            public string Name => "buggy-workload";
            public void Run(IMappedStorage storage, Acknowledgements acknowledged)
            {
                using var file = storage.Open("b.bin", new MappedFileOptions { Mode = FileMode.CreateNew, Length = 4096 });
                file.Write(4096, new byte[8]);
            }
            public CheckResult Check(IMappedStorage recovered, CrashContext context) => CheckResult.Ok;
        }

        /// Not a scenario: must be ignored.
        public abstract class NotAScenario : ICrashScenario
        {
            public abstract string Name { get; }
            public abstract void Run(IMappedStorage storage, Acknowledgements acknowledged);
            public abstract CheckResult Check(IMappedStorage recovered, CrashContext context);
        }
        """;

    private readonly TempDirectory _directory = new();

    public UserAssemblyFixture(PackagesFixture packages)
    {
        packages.AssertPacked();
        string projectDirectory = _directory.File("src");
        Directory.CreateDirectory(projectDirectory);
        File.WriteAllText(Path.Combine(projectDirectory, "UserScenarios.csproj"),
                          Project.Replace("VERSION", WritebackCli.Version, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(projectDirectory, "Scenarios.cs"), Source);
        // Only the packed packages (and the SDK's own): a private cache, the temporary source.
        File.Copy(packages.LocalOnlyConfig, Path.Combine(projectDirectory, "NuGet.config"));
        string output = _directory.File("out");
        Build = ProcessRunner.Run("dotnet", ["build", "-c", "Release", "-o", output, "--nologo"], projectDirectory,
                                  TimeSpan.FromMinutes(3),
                                  new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages.PrivateCache });
        AssemblyPath = Path.Combine(output, "UserScenarios.dll");
    }

    internal ProcessRunner.Result Build { get; }

    public string AssemblyPath { get; }

    public void Dispose() => _directory.Dispose();
}

[Collection(PackagesCollection.Name)]
public class UserAssemblyTests : IClassFixture<UserAssemblyFixture>
{
    private readonly UserAssemblyFixture _fixture;

    public UserAssemblyTests(UserAssemblyFixture fixture)
    {
        _fixture = fixture;
        Assert.True(fixture.Build.ExitCode == 0, "building the scenario assembly failed: " + fixture.Build);
    }

    [Fact]
    public void Passing_scenario_exits_0()
    {
        var run = CliRun.Of("check", "--assembly", _fixture.AssemblyPath, "--scenario", "flushed-counter");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("flushed-counter", run.Console);
        Assert.Contains("No crash state broke any of the 1 scenario(s).", run.Console);
        Assert.DoesNotContain(run.Console.Split('\n'), line => line.Contains('│') && line.Contains("FAIL", StringComparison.Ordinal));
        Assert.DoesNotContain("page map of that image", run.Console);
    }

    [Fact]
    public void Failing_scenario_exits_1_with_its_first_failure_and_a_reproduce_line_naming_the_assembly()
    {
        var run = CliRun.Of("check", "--assembly", _fixture.AssemblyPath, "--scenario", "unflushed-counter",
                               "--model", "Linux3_16Range");
        Assert.True(run.ExitCode == ExitCodes.Failed, run.ToString());
        Assert.Contains("FAIL", run.Console);
        Assert.Contains("was acknowledged", run.Console);
        Assert.Contains("page map of that image", run.Console);
        Assert.Contains("reproduce: writeback check --assembly ", run.Console);

        var json = CliRun.Of("check", "--assembly", _fixture.AssemblyPath, "--scenario", "unflushed-counter",
                                "--model", "Linux3_16Range", "--json");
        using var document = JsonDocument.Parse(json.StandardOutput);
        JsonElement failure = document.RootElement.GetProperty("scenarios")[0].GetProperty("reports")[0].GetProperty("failures")[0];
        string reproduce = failure.GetProperty("reproduce").GetString()!;
        Assert.StartsWith($"writeback check --assembly {_fixture.AssemblyPath} --scenario ", reproduce);
        Assert.Contains("unflushed-counter", reproduce);
        Assert.Contains("--model Linux3_16Range", reproduce);
    }

    [Fact]
    public void Both_scenarios_with_json_report_one_failed_scenario()
    {
        var run = CliRun.Of("check", "--assembly", _fixture.AssemblyPath, "--crash-kind", "PowerLoss", "--json",
                               "--scenario", "flushed-counter", "--scenario", "unflushed-counter");
        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.Equal("assembly", json.RootElement.GetProperty("mode").GetString());
        var passed = json.RootElement.GetProperty("scenarios").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("passed").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["flushed-counter"] = true, ["unflushed-counter"] = false }, passed);
        Assert.Equal(["unflushed-counter"], json.RootElement.GetProperty("failedScenarios").EnumerateArray().Select(e => e.GetString()!));
        JsonElement unflushed = json.RootElement.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "unflushed-counter");
        JsonElement first = unflushed.GetProperty("firstFailures")[0];
        Assert.Equal("PowerLoss", first.GetProperty("crashKind").GetString());
        Assert.Contains("was acknowledged", first.GetProperty("message").GetString());
        Assert.StartsWith($"writeback check --assembly {_fixture.AssemblyPath} ", first.GetProperty("reproduce").GetString());
    }

    [Fact]
    public void A_scenario_whose_workload_throws_fails_with_exit_1_naming_it()
    {
        var run = CliRun.Of("check", "--assembly", _fixture.AssemblyPath, "--scenario", "buggy-workload");
        Assert.True(run.ExitCode == ExitCodes.Failed, run.ToString());
        Assert.StartsWith("writeback: check: scenario 'buggy-workload' (UserScenarios.BuggyWorkload) threw ArgumentOutOfRangeException", run.StandardError);
        Assert.Single(run.StandardError.TrimEnd().Split('\n'));
    }

    [Fact]
    public void An_assembly_without_scenarios_is_a_usage_error()
    {
        // The CLI's own Spectre.Console dll has no ICrashScenario.
        string path = typeof(Spectre.Console.AnsiConsole).Assembly.Location;
        var run = CliRun.Of("check", "--assembly", path);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("has no public class implementing Writeback.Simulation.ICrashScenario", run.StandardError);
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_is_a_usage_error()
    {
        using var directory = new TempDirectory();
        string path = directory.File("not.dll");
        File.WriteAllText(path, "not an assembly");
        var run = CliRun.Of("check", "--assembly", path);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("is not a .NET assembly", run.StandardError);
    }
}
