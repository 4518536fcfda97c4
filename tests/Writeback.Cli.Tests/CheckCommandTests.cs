using System.Text.Json;
using Writeback.Cli.Commands.Check;
using Writeback.Simulation;
using Writeback.Simulation.Examples;

namespace Writeback.Cli.Tests;

public class CheckCommandTests
{
    [Fact]
    public void Bundled_run_reports_every_scenario_model_and_kind_and_its_exit_code_follows_the_documentation()
    {
        var run = CliRun.Of("check", "--json");
        using var json = JsonDocument.Parse(run.StandardOutput);
        JsonElement root = json.RootElement;
        Assert.Equal("bundled", root.GetProperty("mode").GetString());
        Assert.Equal(["Linux2_6_19To3_15WholeFile", "Linux3_16Range"],
                     root.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        JsonElement scenarios = root.GetProperty("scenarios");
        Assert.Equal(BundledScenarios.All.Count, scenarios.GetArrayLength());

        int unexpected = 0;
        foreach (JsonElement scenario in scenarios.EnumerateArray())
        {
            BundledScenario bundled = BundledScenarios.All.Single(b => b.Scenario.Name == scenario.GetProperty("name").GetString());
            JsonElement[] verdicts = [.. scenario.GetProperty("verdicts").EnumerateArray()];
            Assert.Equal(2 * 3, verdicts.Length);
            foreach (JsonElement verdict in verdicts)
            {
                KernelModel model = KernelModel.All.Single(m => m.Name == verdict.GetProperty("model").GetString());
                CrashKind kind = Enum.Parse<CrashKind>(verdict.GetProperty("crashKind").GetString()!);
                bool expected = bundled.ExpectedToPass(model, kind, 4096);
                bool passed = verdict.GetProperty("passed").GetBoolean();
                Assert.Equal(expected, verdict.GetProperty("expectedToPass").GetBoolean());
                Assert.Equal(expected == passed, verdict.GetProperty("asDocumented").GetBoolean());
                Assert.Equal(passed, verdict.GetProperty("failures").GetInt32() == 0);
                unexpected += expected == passed ? 0 : 1;
            }

            Assert.Equal(2, scenario.GetProperty("reports").GetArrayLength());
        }

        Assert.Equal(unexpected, root.GetProperty("unexpectedVerdicts").GetInt32());
        Assert.Equal(unexpected == 0 ? ExitCodes.Ok : ExitCodes.Failed, run.ExitCode);
        Assert.Equal(run.ExitCode, root.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public void Json_names_the_failed_scenarios_and_compact_leaves_out_the_full_reports()
    {
        var full = CliRun.Of("check", "--json", "-");
        var compact = CliRun.Of("check", "--json", "-", "--compact");
        Assert.Equal(full.ExitCode, compact.ExitCode);
        using var fullJson = JsonDocument.Parse(full.StandardOutput);
        using var compactJson = JsonDocument.Parse(compact.StandardOutput);

        // The names of exactly the scenarios with a failure somewhere, in both modes.
        string[] failing = [.. fullJson.RootElement.GetProperty("scenarios").EnumerateArray()
            .Where(s => !s.GetProperty("passed").GetBoolean()).Select(s => s.GetProperty("name").GetString()!)];
        Assert.Contains("header-barrier", failing);
        Assert.Equal(failing, fullJson.RootElement.GetProperty("failedScenarios").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(failing, compactJson.RootElement.GetProperty("failedScenarios").EnumerateArray().Select(e => e.GetString()!));

        Assert.True(compactJson.RootElement.GetProperty("compact").GetBoolean());
        foreach (JsonElement scenario in compactJson.RootElement.GetProperty("scenarios").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Null, scenario.GetProperty("reports").ValueKind);
            // Each model with a failure keeps its first failure, reproduce line included.
            int failingModels = scenario.GetProperty("verdicts").EnumerateArray().Where(v => !v.GetProperty("passed").GetBoolean())
                                        .Select(v => v.GetProperty("model").GetString()).Distinct().Count();
            JsonElement[] first = [.. scenario.GetProperty("firstFailures").EnumerateArray()];
            Assert.Equal(failingModels, first.Length);
            Assert.All(first, f => Assert.StartsWith("writeback check ", f.GetProperty("reproduce").GetString()));
        }

        Assert.True(compact.StandardOutput.Length * 5 < full.StandardOutput.Length,
                    $"compact {compact.StandardOutput.Length} bytes, full {full.StandardOutput.Length}");
    }

    [Fact]
    public void Bundled_examples_match_their_documentation_and_exit_0()
    {
        var run = CliRun.Of("check");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("Every verdict is as documented", run.Console);
        Assert.DoesNotContain(run.Console.Split('\n'), line => line.Contains('│') && line.Contains("UNEXPECTED", StringComparison.Ordinal));
    }

    [Fact]
    public void Human_output_has_the_matrix_and_for_each_failing_scenario_a_page_map_and_reproduce_line()
    {
        var run = CliRun.Of("check");
        Assert.True(run.ExitCode is ExitCodes.Ok or ExitCodes.Failed, run.ToString());
        Assert.Contains("verdicts", run.Console);
        Assert.Contains("power loss", run.Console);
        foreach (BundledScenario bundled in BundledScenarios.All)
        {
            Assert.Contains(bundled.Scenario.Name, run.Console);
        }

        // At least one bundled example is broken on purpose, so failure panels must be there.
        Assert.Contains(BundledScenarios.All, b => KernelModel.All.Any(m => !b.ExpectedToPass(m, CrashKind.PowerLoss, 4096)));
        Assert.Contains("page map of that image", run.Console);
        Assert.Contains("reproduce: writeback check --scenario", run.Console);
        Assert.Contains("D durable", run.Console);
        Assert.Matches(run.ExitCode == ExitCodes.Ok ? "Every verdict is as documented" : "UNEXPECTED", run.Console);
    }

    [Fact]
    public void Scenario_model_and_kind_filters_narrow_the_run()
    {
        string name = BundledScenarios.All[0].Scenario.Name;
        var run = CliRun.Of("check", "--scenario", name.ToUpperInvariant(), "--model", "linux3_16range",
                               "--crash-kind", "power-loss", "--json");
        using var json = JsonDocument.Parse(run.StandardOutput);
        JsonElement scenario = Assert.Single(json.RootElement.GetProperty("scenarios").EnumerateArray());
        Assert.Equal(name, scenario.GetProperty("name").GetString());
        JsonElement verdict = Assert.Single(scenario.GetProperty("verdicts").EnumerateArray());
        Assert.Equal("Linux3_16Range", verdict.GetProperty("model").GetString());
        Assert.Equal("PowerLoss", verdict.GetProperty("crashKind").GetString());
        Assert.Null(scenario.GetProperty("candidateOnlyFailures").GetString());
    }

    [Fact]
    public void A_chosen_failing_durability_call_catches_a_retry_and_names_the_fault()
    {
        // write-ahead-log reopens nothing: with durability call 2 (its first record's Flush) failing it stops and
        // passes; flush-failure-retry with the same fault acknowledges a record the retry never wrote.
        var stop = CliRun.Of("check", "--scenario", "write-ahead-log", "--model", "Linux3_16Range", "--crash-kind", "PowerLoss",
                                "--fail-durability-call", "2", "--fault-errno", "ENOSPC", "--json");
        Assert.True(stop.ExitCode == ExitCodes.Ok, stop.ToString());
        var retry = CliRun.Of("check", "--scenario", "flush-failure-retry", "--model", "Linux3_16Range", "--crash-kind", "PowerLoss",
                                 "--fail-durability-call", "2", "--json");
        using var json = JsonDocument.Parse(retry.StandardOutput);
        JsonElement report = json.RootElement.GetProperty("scenarios")[0].GetProperty("reports")[0];
        Assert.Contains("failed with EIO", report.GetProperty("storageFaults").GetString(), StringComparison.Ordinal);
        Assert.Contains("--fail-durability-call 2", report.GetProperty("failures")[0].GetProperty("reproduce").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_fault_option_is_a_usage_error()
    {
        Assert.Equal(ExitCodes.Usage, CliRun.Of("check", "--fail-durability-call", "x").ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRun.Of("check", "--fail-durability-call", "1", "--fault-errno", "EBADF").ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRun.Of("check", "--fail-durability-call", "1", "--fail-each-durability-call").ExitCode);
    }

    [Fact]
    public void Unknown_model_is_a_usage_error_listing_the_valid_ones()
    {
        var run = CliRun.Of("check", "--model", "Linux9000");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("unknown model 'Linux9000'", run.StandardError);
        foreach (KernelModel model in KernelModel.All)
        {
            Assert.Contains(model.Name, run.StandardError);
        }
    }

    [Theory]
    [InlineData("--crash-kind", "meteor")]
    [InlineData("--crash-kind", "1")]
    [InlineData("--scenario", "no-such-scenario")]
    [InlineData("--shard", "3/3")]
    [InlineData("--shard", "x")]
    [InlineData("--atomic-write-bytes", "0")]
    [InlineData("--atomic-write-bytes", "3000")]
    [InlineData("--assembly", "/no/such/Scenarios.dll")]
    public void Bad_options_are_usage_errors(string option, string value)
    {
        var run = CliRun.Of("check", option, value);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Single(run.StandardError.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", run.StandardError);
    }

    [Fact]
    public void Model_list_prints_every_model_with_its_description()
    {
        var run = CliRun.Of("check", "--model", "list");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (KernelModel model in KernelModel.All)
        {
            Assert.Contains(model.Name, run.Console);
        }
    }

    [Fact]
    public void Shards_split_the_crash_points_and_json_says_which_shard()
    {
        var run = CliRun.Of("check", "--shard", "1/2", "--json");
        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.Equal("1/2", json.RootElement.GetProperty("shard").GetString());
    }

    [Fact]
    public void Reproduce_line_names_the_assembly_for_user_scenarios()
    {
        var failure = new CrashFailure
        {
            Kind = CrashKind.PowerLoss,
            CrashPointIndex = 3,
            Call = "Flush()",
            AcknowledgedCount = 1,
            Message = "m",
            Pages = [],
            Deviations = [],
            Seed = 7,
            Reproduce = "writeback check --scenario \"s\" --seed 7",
        };
        Assert.Equal("writeback check --assembly '/a b/x.dll' --scenario \"s\" --seed 7", CheckCommand.Reproduce(failure, "/a b/x.dll"));
        Assert.Equal(failure.Reproduce, CheckCommand.Reproduce(failure, null));
    }

    [Theory]
    [InlineData("ProcessCrash", "ProcessCrash")]
    [InlineData("kernel-crash", "KernelCrash")]
    [InlineData("power_loss", "PowerLoss")]
    public void Crash_kinds_parse_in_either_spelling(string text, string expected) =>
        Assert.Equal(Enum.Parse<CrashKind>(expected), Assert.Single(CheckCommand.ParseKinds([text])));
}
