using System.Text.Json;
using Writeback.Simulation.Examples;

namespace Writeback.Cli.Tests;

/// <summary><c>writeback trace</c> end to end: real programs recorded under ptrace, the output and JSON of <c>check</c>, and its one-line errors.</summary>
public sealed class TraceCommandTests
{
    private static readonly Lazy<string?> HeaderBarrier = new(() => Compile("header_barrier"));
    private static readonly Lazy<string?> NestedDirectory = new(() => Compile("nested_dir"));
    private static readonly Lazy<string?> PtraceUnavailable = new(ProbePtrace);

    [SkippableFact]
    public void Traces_a_C_program_prints_the_differential_and_writes_check_json_save_load_and_images()
    {
        string program = RequireHeaderBarrier();
        using var directory = new TempDirectory();
        string dir = directory.File("db");
        Directory.CreateDirectory(dir);
        string checker = $"python3 {Path.Combine(AppContext.BaseDirectory, "Programs", "check_header_barrier.py")} data.bin";
        string json = directory.File("report.json");
        string trace = directory.File("run.trace");

        var run = CliRun.Of("trace", "--dir", dir, "--checker", checker, "--json", json, "--save", trace, "--", program, "2");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("only under Linux3_16Range", run.Console, StringComparison.Ordinal);
        Assert.Matches(@"msync\(data\.bin, offset 0, 4096, MS_SYNC\) in pid \d+", run.Console);
        Assert.Contains("Crash points that break only under Linux3_16Range", run.Console, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement scenario = document.RootElement.GetProperty("scenarios")[0];
        Assert.Equal("header_barrier", scenario.GetProperty("name").GetString());
        var verdicts = scenario.GetProperty("verdicts").EnumerateArray()
            .ToDictionary(v => (v.GetProperty("model").GetString(), v.GetProperty("crashKind").GetString()), v => v.GetProperty("passed").GetBoolean());
        Assert.True(verdicts[("Linux2_6_19To3_15WholeFile", "PowerLoss")]);
        Assert.False(verdicts[("Linux3_16Range", "PowerLoss")]);
        Assert.False(verdicts[("Linux3_16Range", "KernelCrash")]);
        Assert.True(verdicts[("Linux3_16Range", "ProcessCrash")]);
        Assert.Equal(1, document.RootElement.GetProperty("exitCode").GetInt32());

        // The saved recording gives the same verdicts without running the program again.
        var loaded = CliRun.Of("trace", "--load", trace, "--checker", checker, "--json");
        Assert.Equal(1, loaded.ExitCode);
        using var again = JsonDocument.Parse(loaded.StandardOutput);
        Assert.Equal(scenario.GetProperty("verdicts").ToString(), again.RootElement.GetProperty("scenarios")[0].GetProperty("verdicts").ToString());

        // Any crash point's images can be written out; the last one (after the run) holds the final file.
        string images = directory.File("images");
        var written = CliRun.Of("trace", "--load", trace, "--checker", checker, "--model", "Linux3_16Range", "--crash-kind", "PowerLoss",
                                   "--write-image", images, "--crash-point", "8");
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.True(File.Exists(Path.Combine(images, "state-0", "data.bin")), written.ToString());
    }

    [SkippableFact]
    public void A_file_lost_with_its_subdirectorys_entry_is_reported_and_imaged_with_its_nested_path()
    {
        RequirePtrace();
        Skip.If(NestedDirectory.Value is null, "gcc is not installed");
        using var directory = new TempDirectory();
        string dir = directory.File("db");
        Directory.CreateDirectory(dir);
        string checker = """[ ! -s "$WRITEBACK_OUTPUT" ] || [ -s "$WRITEBACK_IMAGE/sub/data" ] || { echo "acknowledged sub/data lost"; exit 1; }""";
        string trace = directory.File("run.trace");

        // The program fsyncs sub/data and the root, never sub/: data's entry in sub/ is not durable.
        var run = CliRun.Of("trace", "--dir", dir, "--checker", checker, "--save", trace, "--", NestedDirectory.Value!, "root");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("acknowledged sub/data lost", run.Console, StringComparison.Ordinal);
        Assert.Contains("sub/", run.Console, StringComparison.Ordinal); // the page map lists the surviving directory
        Assert.DoesNotContain("\u2215", run.Console, StringComparison.Ordinal);
        int lastCrashPoint = int.Parse(System.Text.RegularExpressions.Regex.Match(run.Console, @"(\d+) crash points").Groups[1].Value,
                                       System.Globalization.CultureInfo.InvariantCulture) - 1;

        // After the run, power loss may keep sub/data or lose it: sub/ survives (the root was fsynced), empty in one image.
        string images = directory.File("images");
        var written = CliRun.Of("trace", "--load", trace, "--checker", checker, "--model", "Linux3_16Range", "--crash-kind", "PowerLoss",
                                   "--write-image", images, "--crash-point", lastCrashPoint.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(written.ExitCode == 0, written.ToString());
        string[] states = Directory.GetDirectories(images);
        Assert.All(states, state => Assert.True(Directory.Exists(Path.Combine(state, "sub")), written.ToString()));
        Assert.Contains(states, state => File.Exists(Path.Combine(state, "sub", "data")));
        Assert.Contains(states, state => !File.Exists(Path.Combine(state, "sub", "data")));
    }

    [Theory]
    [InlineData("missing-dir", "directory")]
    [InlineData("missing-program", "was not found in PATH")]
    [InlineData("no-checker", "--checker 'CMD' is required")]
    [InlineData("no-program", "give --dir DIR and put the program after --: writeback trace --dir DIR --checker CMD -- PROGRAM [ARGS...]")]
    public void Bad_input_is_one_line_on_stderr_with_exit_code_2(string kind, string expected)
    {
        using var directory = new TempDirectory();
        string[] args = kind switch
        {
            "missing-dir" => ["trace", "--dir", directory.File("nowhere"), "--checker", "true", "--", "/bin/true"],
            "missing-program" => ["trace", "--dir", directory.Path, "--checker", "true", "--", "no-such-program-xyz"],
            "no-checker" => ["trace", "--dir", directory.Path, "--", "/bin/true"],
            _ => ["trace", "--dir", directory.Path, "--checker", "true"],
        };
        var run = CliRun.Of(args);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Single(run.StandardError.TrimEnd().Split('\n'));
        Assert.Contains(expected, run.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void When_ptrace_is_not_permitted_the_error_names_the_cause()
    {
        // Under strace -f every child writeback starts is already traced, so PTRACE_SEIZE fails with EPERM,
        // as it does under a yama ptrace_scope, a seccomp filter or a container without CAP_SYS_PTRACE.
        string? strace = new[] { "/usr/bin/strace", "/bin/strace" }.FirstOrDefault(File.Exists);
        Skip.If(strace is null, "strace is not installed");
        using var directory = new TempDirectory();
        ProcessRunner.Result result = ProcessRunner.Run(strace!, ["-f", "-o", "/dev/null", Dotnet(), CliDll(), "trace", "--dir", directory.Path, "--checker", "true", "--", "/bin/true"],
                                                        directory.Path, TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 2, result.ToString());
        string[] lines = result.StandardError.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.Contains("ptrace(PTRACE_SEIZE", lines[0], StringComparison.Ordinal);
        Assert.Contains("EPERM", lines[0], StringComparison.Ordinal);
        Assert.Contains("ptrace_scope", lines[0], StringComparison.Ordinal);
    }

    /// <summary>Two front ends, one answer: each bundled C# example, run as a real process under trace, gets the verdicts check gives in-process.</summary>
    [SkippableTheory]
    [MemberData(nameof(BundledNames))]
    public void A_bundled_example_run_as_a_traced_process_gets_the_verdicts_check_gives(string name)
    {
        RequirePtrace();
        using var directory = new TempDirectory();
        string self = $"{Dotnet()} {CliDll()}";
        var traced = CliRun.Of("trace", "--dir", directory.Path, "--checker", $"{self} scenario-process check {name}", "--checker-uses-context", "--json",
                                  "--", Dotnet(), CliDll(), "scenario-process", "run", name);
        var checkedInProcess = CliRun.Of("check", "--scenario", name, "--json");
        Assert.True(traced.ExitCode is 0 or 1, traced.ToString());

        Assert.Equal(Verdicts(checkedInProcess.StandardOutput), Verdicts(traced.StandardOutput));
    }

    /// <summary>The examples without injected storage faults: a real run of the process has no EIO to inject.</summary>
    public static TheoryData<string> BundledNames() => [.. BundledScenarios.All.Where(b => b.Faults is null).Select(b => b.Scenario.Name)];

    private static string Verdicts(string json)
    {
        using var document = JsonDocument.Parse(json);
        return string.Join("; ", document.RootElement.GetProperty("scenarios")[0].GetProperty("verdicts").EnumerateArray()
            .Select(v => $"{v.GetProperty("model").GetString()}/{v.GetProperty("crashKind").GetString()}={v.GetProperty("passed").GetBoolean()}"));
    }

    private static string CliDll() => Path.Combine(AppContext.BaseDirectory, "Writeback.Cli.dll");

    private static string Dotnet() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet")).FirstOrDefault(File.Exists) ?? "dotnet";

    internal static void RequirePtrace() => Skip.If(PtraceUnavailable.Value is not null, PtraceUnavailable.Value);

    private static string? ProbePtrace()
    {
        using var directory = new TempDirectory();
        try
        {
            Writeback.Tracing.TraceRecorder.Record(new Writeback.Tracing.RecorderOptions { Directory = directory.Path, Program = "/bin/sh", Arguments = ["-c", "echo x > f"] });
            return null;
        }
        catch (Writeback.Tracing.TraceException e) when (e.Message.Contains("PTRACE_SEIZE", StringComparison.Ordinal))
        {
            return e.Message;
        }
    }

    private static string RequireHeaderBarrier()
    {
        RequirePtrace();
        Skip.If(HeaderBarrier.Value is null, "gcc is not installed");
        return HeaderBarrier.Value!;
    }

    private static string? Compile(string name)
    {
        string output = Path.Combine(Directory.CreateTempSubdirectory("writeback-trace-cli-").FullName, name);
        try
        {
            ProcessRunner.Result result = ProcessRunner.Run("gcc", ["-O2", "-o", output, Path.Combine(AppContext.BaseDirectory, "Programs", name + ".c")],
                                                            AppContext.BaseDirectory, TimeSpan.FromMinutes(1));
            Assert.True(result.ExitCode == 0, result.ToString());
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
