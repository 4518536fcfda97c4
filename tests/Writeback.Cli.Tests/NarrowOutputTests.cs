using Spectre.Console.Testing;
using Writeback.Simulation;
using Writeback.Simulation.Examples;

namespace Writeback.Cli.Tests;

/// <summary>
/// Output at 80 columns (a default terminal, a CI log, a pipe): names whole, help examples whole,
/// COLUMNS honoured.
/// </summary>
public class NarrowOutputTests
{
    [Fact]
    public void Check_at_80_columns_keeps_every_scenario_and_model_name_whole_in_the_verdict_table()
    {
        var run = CliRun.OfWidth(80, "check");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        string[] tableLines = [.. run.Console.Split('\n').Where(l => l.Contains('│'))];
        Assert.NotEmpty(tableLines);
        foreach (string name in BundledScenarios.All.Select(b => b.Scenario.Name).Concat(["Linux2_6_19To3_15WholeFile", "Linux3_16Range"]))
        {
            Assert.True(tableLines.Any(l => l.Contains(name, StringComparison.Ordinal)), $"'{name}' is not whole in any table row:\n{run.Console}");
        }

        // Every line fits, except the reproduce lines, kept whole to be copied.
        Assert.All(run.Console.Split('\n').Where(l => !l.StartsWith("reproduce: ", StringComparison.Ordinal)),
                   line => Assert.True(line.TrimEnd().Length <= 80, $"{line.Length} columns: {line}"));
        Assert.Contains(run.Console.Split('\n'), l => l.StartsWith("reproduce: writeback check --scenario header-barrier ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_name_too_long_for_80_columns_is_cut_with_an_ellipsis_not_wrapped()
    {
        var scenario = new LongNamedScenario();
        CrashReport report = new CrashExplorer(KernelModel.Linux3_16Range).Explore(scenario);
        var outcome = new Commands.Check.CheckOutcome(new Commands.Check.CheckTarget(scenario, null, null, null), [report]);
        TestConsole console = new TestConsole().Width(80);

        console.Write(Commands.Check.CheckRenderer.Matrix([outcome], Enum.GetValues<CrashKind>()));

        string[] lines = console.Output.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, l));
        string row = Assert.Single(lines, l => l.Contains("a-scenario-whose-name", StringComparison.Ordinal));
        Assert.Contains("…", row);
        // The rest of the name is not wrapped onto another line.
        Assert.DoesNotContain(lines, l => l.Contains("terminal-allows", StringComparison.Ordinal));
    }

    private sealed class LongNamedScenario : ICrashScenario
    {
        public string Name => "a-scenario-whose-name-is-much-longer-than-an-80-column-terminal-allows";

        public void Run(IMappedStorage storage, Acknowledgements acknowledged)
        {
            using IMappedFile file = storage.Open("f.bin", new MappedFileOptions { Mode = FileMode.CreateNew, Length = 4096 });
            file.FlushFile();
        }

        public CheckResult Check(IMappedStorage recovered, CrashContext context) => CheckResult.Ok;
    }

    [Fact]
    public void Help_examples_keep_each_command_on_one_line_at_80_columns_for_every_command()
    {
        foreach (string[] path in CommandModel.All.Select(c => c.Path.Split(' ')).Prepend([]))
        {
            var run = CliRun.OfWidth(80, [.. path, "--help"]);
            Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
            string[] lines = run.Console.Split('\n');
            int examples = Array.FindIndex(lines, l => l.TrimEnd() == "EXAMPLES:");
            if (examples < 0)
            {
                continue;
            }

            foreach (string line in lines.Skip(examples + 1).TakeWhile(l => l.Trim().Length > 0))
            {
                Assert.True(line.StartsWith("    writeback", StringComparison.Ordinal),
                            $"'writeback {string.Join(' ', path)} --help': an example is wrapped at 80 columns:\n{run.Console}");
            }
        }
    }

    [SkippableFact]
    public void On_a_terminal_the_finished_progress_bars_are_erased_before_the_results()
    {
        // A real pseudo-terminal (util-linux script), where the progress display is live.
        Skip.IfNot(File.Exists("/usr/bin/script"), "script (util-linux) is needed to run the tool on a pseudo-terminal");
        string tool = Path.Combine(AppContext.BaseDirectory, "Writeback.Cli.dll");
        ProcessRunner.Result result = ProcessRunner.Run("/usr/bin/script",
            ["-qec", $"dotnet '{tool}' check --model Linux3_16Range --scenario header-barrier", "/dev/null"], AppContext.BaseDirectory,
            TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["COLUMNS"] = "80", ["TERM"] = "xterm" });
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        string output = result.StandardOutput;
        int lastBar = output.LastIndexOf("100%", StringComparison.Ordinal);
        int results = output.IndexOf("writeback check", StringComparison.Ordinal);
        Assert.True(lastBar >= 0 && results > lastBar, $"no finished progress bar before the results:\n{output}");
        // Between them: erase the line, move up, erase (ECMA-48 EL and CUU), i.e. the display cleared itself.
        Assert.Contains("\u001b[2K\u001b[1A\u001b[2K", output[lastBar..results]);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void Columns_sets_the_width_of_piped_output(int columns)
    {
        // The shipped entry point in a child process with standard output piped, as in a CI log.
        string tool = Path.Combine(AppContext.BaseDirectory, "Writeback.Cli.dll");
        ProcessRunner.Result result = ProcessRunner.Run("dotnet", [tool, "check", "--model", "Linux3_16Range"], AppContext.BaseDirectory,
                                                        TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        int widest = result.StandardOutput.Split('\n').Where(l => !l.StartsWith("reproduce: ", StringComparison.Ordinal))
                                                       .Max(l => l.TrimEnd('\r').Length);
        // Panels and the verdict table's title span the full width.
        Assert.Equal(columns, widest);
    }
}
