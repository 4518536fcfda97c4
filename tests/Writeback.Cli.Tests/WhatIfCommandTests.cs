using System.Text.Json;
using System.Text.Json.Nodes;
using Writeback.Simulation;

namespace Writeback.Cli.Tests;

/// <summary>
/// <c>writeback whatif</c> on a corpus whose differential is known in advance: a Python program that flushes
/// one range of a mapping and relies on the rest of the file being written too (kept by the whole-file msync
/// of 2.6.19-3.15, broken by 3.16's range msync), and one that flushes the whole mapping (safe under both);
/// and <c>writeback models</c>, <c>--model-file</c> and their one-line errors.
/// </summary>
public sealed class WhatIfCommandTests
{
    private const string Program = """
        import mmap, os, sys
        fd = os.open("data.bin", os.O_RDWR | os.O_CREAT, 0o644)
        os.ftruncate(fd, 8192)
        os.fsync(fd)
        d = os.open(".", os.O_RDONLY)
        os.fsync(d)
        if len(sys.argv) > 2:
            with open(sys.argv[2], "wb") as scratch:  # never covered by a durability call
                scratch.write(b"s" * 16384)
        m = mmap.mmap(fd, 8192)
        m[0:4096] = b"A" * 4096
        m[4096:8192] = b"B" * 4096
        if sys.argv[1] == "range":
            m.flush(4096, 4096)  # msync(MS_SYNC) of page 1 only: page 0 rides on whole-file msync
        else:
            m.flush()  # msync(MS_SYNC) of the whole mapping
        print("ack 1", flush=True)
        """;

    private const string Checker = """
        import os, sys
        out = open(os.environ["WRITEBACK_OUTPUT"]).read()
        if "ack 1" in out:
            data = open(os.path.join(os.environ["WRITEBACK_IMAGE"], "data.bin"), "rb").read()
            if data != b"A" * 4096 + b"B" * 4096:
                print("acknowledged record lost: data.bin holds " + repr(data[:1]) + " and " + repr(data[4096:4097]))
                sys.exit(1)
        """;

    [SkippableFact]
    public void Whatif_finds_the_program_the_3_16_change_broke_and_the_call_it_relied_on_and_shards_give_the_same_result()
    {
        using var directory = new TempDirectory();
        string corpus = RecordCorpus(directory);
        string json = directory.File("whatif.json");

        var run = CliRun.Of("whatif", "--baseline", "Linux2_6_19To3_15WholeFile", "--candidate", "Linux3_16Range", "--corpus", corpus, "--json", json);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Matches(@"flush-range\s+pass -> pass\s+pass -> FAIL\s+pass -> FAIL\s+BROKEN", run.Console);
        Assert.Matches(@"flush-whole\s+pass -> pass\s+pass -> pass\s+pass -> pass\s*\n", run.Console);
        Assert.Contains("relied on: #", run.Console, StringComparison.Ordinal);
        Assert.Contains("whatif: [2/2] flush-whole: not broken", run.StandardError, StringComparison.Ordinal);
        JsonNode document = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal("[\"flush-range\"]", document["brokenPrograms"]!.ToJsonString());
        JsonArray broken = document["programs"]![0]!["broken"]!.AsArray();
        Assert.Equal(["KernelCrash", "PowerLoss"], broken.Select(b => b!["crashKind"]!.GetValue<string>()));
        foreach (JsonNode? b in broken)
        {
            Assert.Equal("msyncRangeSync", b!["reliedOnModelCall"]!.GetValue<string>());
            Assert.Matches(@"^msync\(data\.bin, offset 4096, 4096, MS_SYNC\)", b["reliedOn"]!.GetValue<string>());
            Assert.StartsWith("acknowledged record lost", b["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.StartsWith("base: ", b["shrunkState"]![0]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("[\"data.bin: LD\"]", b["shrunkPages"]!.ToJsonString()); // page 0 lost, page 1 guaranteed by the range msync
        }
        Assert.Empty(document["programs"]![1]!["broken"]!.AsArray());

        // The shards together are the whole run, program by program.
        var sharded = new List<JsonNode?>();
        foreach (string shard in new[] { "0/2", "1/2" })
        {
            var part = CliRun.Of("whatif", "--baseline", "Linux2_6_19To3_15WholeFile", "--candidate", "Linux3_16Range", "--corpus", corpus, "--shard", shard, "--json");
            sharded.AddRange(JsonNode.Parse(part.StandardOutput)!["programs"]!.AsArray().Select(p => p?.DeepClone()));
        }
        Assert.Equal(Comparable(document["programs"]!.AsArray()), Comparable(sharded.OrderBy(p => p!["name"]!.GetValue<string>())));

        // Swapped, the candidate breaks nothing the baseline kept.
        var swapped = CliRun.Of("whatif", "--baseline", "Linux3_16Range", "--candidate", "Linux2_6_19To3_15WholeFile", "--corpus", corpus);
        Assert.True(swapped.ExitCode == 0, swapped.ToString());
    }

    [SkippableFact]
    public void Whatif_reports_the_never_covered_files_it_collapsed_and_no_reduce_uncovered_collapses_none()
    {
        using var directory = new TempDirectory();
        string corpus = RecordCorpus(directory, [("scratch-range", "range")], scratchFile: "scratch.tmp");

        var run = CliRun.Of("whatif", "--baseline", "Linux2_6_19To3_15WholeFile", "--candidate", "Linux3_16Range", "--corpus", corpus, "--json");
        var full = CliRun.Of("whatif", "--baseline", "Linux2_6_19To3_15WholeFile", "--candidate", "Linux3_16Range", "--corpus", corpus, "--json", "--no-reduce-uncovered");

        Assert.True(run.ExitCode == 1, run.ToString());
        JsonNode program = JsonNode.Parse(run.StandardOutput)!["programs"]![0]!;
        string reduction = Assert.Single(program["reductions"]!.AsArray())!.GetValue<string>();
        Assert.StartsWith("scratch.tmp: never covered by a durability call, its contents collapsed to 3 representatives", reduction, StringComparison.Ordinal);
        // The same verdicts either way: the checker never reads the scratch file.
        JsonNode fullProgram = JsonNode.Parse(full.StandardOutput)!["programs"]![0]!;
        Assert.Empty(fullProgram["reductions"]!.AsArray());
        Assert.Equal(fullProgram["verdicts"]!.ToJsonString(), program["verdicts"]!.ToJsonString());
        Assert.True(program["checkerRuns"]!.GetValue<long>() <= fullProgram["checkerRuns"]!.GetValue<long>(), $"{program["checkerRuns"]} > {fullProgram["checkerRuns"]}");

        var human = CliRun.Of("whatif", "--baseline", "Linux2_6_19To3_15WholeFile", "--candidate", "Linux3_16Range", "--corpus", corpus);
        Assert.Contains("never-covered files collapsed (both models):\n  scratch-range: scratch.tmp: never covered by a durability call", human.Console.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Whatif_takes_a_hand_written_candidate_file_and_a_missing_trace_is_skipped_with_the_reason()
    {
        using var directory = new TempDirectory();
        string corpus = RecordCorpus(directory);
        File.Delete(Path.Combine(corpus, "recorded", "flush-range.trace"));
        string candidate = directory.File("msync-cache-only.json");
        JsonNode model = JsonNode.Parse(CliRun.Of("models", "show", "Linux3_16Range").StandardOutput)!;
        model["name"] = "MsyncCacheOnly";
        foreach (string call in new[] { "msyncRangeSync", "msyncWholeSync" })
        {
            model["calls"]![call]!["data"] = "deviceCache";
            model["calls"]![call]!["length"] = "deviceCache";
        }
        File.WriteAllText(candidate, model.ToJsonString());

        var run = CliRun.Of("whatif", "--baseline", "Linux3_16Range", "--candidate", candidate, "--corpus", corpus, "--crash-kind", "PowerLoss");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("msyncRangeSync: range: data stable, length stable -> range: data deviceCache, length deviceCache", run.Console, StringComparison.Ordinal);
        Assert.Matches(@"skipped: flush-range: no recorded trace at", run.Console);
        Assert.Matches(@"flush-whole\s+pass -> FAIL\s+BROKEN", run.Console);
        Assert.Matches(@"relied on: #\d+ msync\(data\.bin, offset 0, 8192, MS_SYNC\).* \(msyncRangeSync: baseline range: data stable, length stable; candidate range: data deviceCache, length deviceCache\)", run.Console);
        Assert.Contains("PowerLoss breaks under MsyncCacheOnly", run.Console.Replace("power loss", "PowerLoss", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Models_lists_one_line_each_and_show_prints_the_shipped_file()
    {
        var list = CliRun.Of("models");
        Assert.True(list.ExitCode == 0, list.ToString());
        string[] lines = list.Console.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(KernelModel.All.Select(m => m.Name), lines.Select(l => l.Split(' ')[0]));
        var show = CliRun.Of("models", "show", "linux3_16range");
        Assert.Equal(KernelModel.BuiltInFile("Linux3_16Range"), show.StandardOutput);
        Assert.Contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"", CliRun.Of("models", "show", "schema").StandardOutput, StringComparison.Ordinal);
        var unknown = CliRun.Of("models", "show", "Linux9");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("writeback: models show: unknown model 'Linux9'", unknown.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_model_file_is_one_line_and_nothing_runs_in_check_trace_and_whatif()
    {
        using var directory = new TempDirectory();
        string bad = directory.File("bad.json");
        File.WriteAllText(bad, KernelModel.Linux3_16Range.ToJson().Replace("\"deviceCache\"", "\"x\"", StringComparison.Ordinal)
                                                                 .Replace("\"stable\"", "\"stabel\"", StringComparison.Ordinal));
        foreach (string[] args in new[]
                 {
                     new[] { "check", "--model-file", bad },
                     ["trace", "--load", bad, "--checker", "true", "--model-file", bad],
                     ["whatif", "--baseline", "Linux3_16Range", "--candidate", bad, "--corpus", directory.Path],
                 })
        {
            var run = CliRun.Of(args);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains($"{bad}: $.calls.msyncRangeSync.data: unknown level \"stabel\"; allowed: none, deviceCache, stable", run.StandardError, StringComparison.Ordinal);
            Assert.Single(run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Empty(run.Console);
        }
    }

    [Fact]
    public void Check_runs_under_a_model_file_with_the_verdicts_of_the_model_it_copies()
    {
        using var directory = new TempDirectory();
        string copy = directory.File("copy.json");
        File.WriteAllText(copy, KernelModel.Linux3_16Range.ToJson().Replace("\"name\": \"Linux3_16Range\"", "\"name\": \"MyCopy\"", StringComparison.Ordinal));
        var builtIn = CliRun.Of("check", "--scenario", "write-ahead-log", "--model", "Linux3_16Range", "--json");
        var fromFile = CliRun.Of("check", "--scenario", "write-ahead-log", "--model-file", copy, "--json");
        Assert.True(fromFile.ExitCode is 0 or 1, fromFile.ToString());
        string Verdicts(CliRun run) => JsonNode.Parse(run.StandardOutput)!["scenarios"]![0]!["verdicts"]!.AsArray()
            .Select(v => $"{v!["crashKind"]} {v["passed"]} {v["failures"]}").Aggregate((a, b) => a + "; " + b);
        Assert.Equal(Verdicts(builtIn), Verdicts(fromFile));
    }

    [Fact]
    public void A_failure_under_a_model_file_reproduces_with_the_file_not_its_name()
    {
        using var directory = new TempDirectory();
        string copy = directory.File("my copy.json");
        File.WriteAllText(copy, KernelModel.Linux3_16Range.ToJson().Replace("\"name\": \"Linux3_16Range\"", "\"name\": \"MyCopy\"", StringComparison.Ordinal));
        // Bundled examples exit 0 when their verdicts are as documented; header-barrier fails under this model.
        var run = CliRun.Of("check", "--scenario", "header-barrier", "--model-file", copy, "--json");
        Assert.True(run.ExitCode == 0, run.ToString());

        string reproduce = JsonNode.Parse(run.StandardOutput)!["scenarios"]![0]!["firstFailures"]![0]!["reproduce"]!.GetValue<string>();
        Assert.Contains($"--model '{copy}'", reproduce, StringComparison.Ordinal);
        // Pasted as it stands (after the program's name), it runs under the same model and fails again.
        Assert.DoesNotContain("MyCopy", reproduce, StringComparison.Ordinal);
        string[] args = System.Text.RegularExpressions.Regex.Matches(reproduce[reproduce.IndexOf(" check ", StringComparison.Ordinal)..], @"'[^']*'|\S+")
            .Select(m => m.Value.Trim('\'')).ToArray();
        var again = CliRun.Of([.. args, "--json"]);
        Assert.True(again.ExitCode == 0, again.ToString());
        JsonNode verdict = JsonNode.Parse(again.StandardOutput)!["scenarios"]![0]!["verdicts"]![0]!;
        Assert.Equal("MyCopy", JsonNode.Parse(again.StandardOutput)!["models"]![0]!.GetValue<string>());
        Assert.False(verdict["passed"]!.GetValue<bool>(), again.StandardOutput);
    }

    private static string Comparable(IEnumerable<JsonNode?> programs) => string.Join("\n", programs.Select(p =>
    {
        JsonObject copy = p!.DeepClone().AsObject();
        copy.Remove("elapsedSeconds");
        // A statistic of the run, not a result: two explorer workers meeting the same image at once may both run the checker.
        copy.Remove("checkerRuns");
        return copy.ToJsonString();
    }));

    /// <summary>Records both programs with <c>writeback trace --save</c> into a two-entry corpus (entry.json as corpus/README.md documents).</summary>
    internal static string RecordCorpus(TempDirectory directory) => RecordCorpus(directory, [("flush-range", "range"), ("flush-whole", "whole")]);

    private static string RecordCorpus(TempDirectory directory, (string Name, string Mode)[] entries, string? scratchFile = null)
    {
        Skip.If(Environment.GetEnvironmentVariable("PATH")!.Split(':').All(d => !File.Exists(Path.Combine(d, "python3"))), "python3 is not installed");
        string corpus = directory.File("corpus");
        Directory.CreateDirectory(Path.Combine(corpus, "recorded"));
        foreach ((string name, string mode) in entries)
        {
            string folder = Path.Combine(corpus, name);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "prog.py"), Program);
            File.WriteAllText(Path.Combine(folder, "check.py"), Checker);
            File.WriteAllText(Path.Combine(folder, "entry.json"), Entry(name, mode, scratchFile));
            string data = Path.Combine(directory.Path, "data-" + name);
            Directory.CreateDirectory(data);
            string[] arguments = ["trace", "--dir", data, "--checker", "true", "--model", "Linux3_16Range", "--crash-kind", "ProcessCrash",
                                  "--save", Path.Combine(corpus, "recorded", name + ".trace"), "--", "python3", Path.Combine(folder, "prog.py"), mode];
            var recorded = CliRun.Of(scratchFile is null ? arguments : [.. arguments, scratchFile]);
            Skip.If(recorded.StandardError.Contains("PTRACE", StringComparison.Ordinal), recorded.StandardError);
            Assert.True(recorded.ExitCode == 0, recorded.ToString());
        }
        return corpus;
    }

    private static string Entry(string name, string mode, string? scratchFile) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["name"] = name,
        ["engine"] = "python",
        ["summary"] = $"mmap.flush of the {mode}",
        ["requires"] = new[] { "python3" },
        ["checkerRequires"] = new[] { "python3" },
        ["build"] = null,
        ["setup"] = null,
        ["version"] = null,
        ["run"] = scratchFile is null ? new[] { "${PYTHON}", "${ENTRY}/prog.py", mode } : new[] { "${PYTHON}", "${ENTRY}/prog.py", mode, scratchFile },
        ["checker"] = "${PYTHON} ${ENTRY}/check.py",
        ["ignore"] = Array.Empty<string>(),
        ["promise"] = new Dictionary<string, string> { ["text"] = "flush() of a range: msync of that range", ["link"] = "https://docs.python.org/3/library/mmap.html#mmap.mmap.flush" },
        ["expected"] = new Dictionary<string, object> { ["Linux3_16Range"] = new Dictionary<string, string> { ["ProcessCrash"] = "pass", ["KernelCrash"] = mode == "range" ? "fail" : "pass", ["PowerLoss"] = mode == "range" ? "fail" : "pass" } },
        ["reasoning"] = "test entry",
    });
}
