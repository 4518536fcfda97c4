using System.Text.Json;

namespace Writeback.Cli.Tests;

/// <summary>
/// Each failure names the rule it broke (issue 17 item 2) and counts acknowledgements as the checker
/// sees them (item 3): derived from the model and the recording, for check's bundled examples and for
/// a traced Python log with each of two planted bugs.
/// </summary>
public sealed class ExplanationTests
{
    /// <summary>The real interpreter, resolved once (the pyenv shim costs 0.4 s per start).</summary>
    internal static readonly Lazy<string?> Python = new(() =>
    {
        try
        {
            ProcessRunner.Result result = ProcessRunner.Run("python3", ["-c", "import sys;print(sys.executable)"], "/", TimeSpan.FromSeconds(30));
            return result.ExitCode == 0 ? result.StandardOutput.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    });

    /// <summary>A log that prints each record's number after writing it; with <c>fsync_dir</c> it makes the file's name durable first.</summary>
    internal const string LogProgram = """
        import os, sys
        fsync_dir = sys.argv[1] == "fsync_dir"
        fd = os.open("log.bin", os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)
        if fsync_dir:
            d = os.open(".", os.O_RDONLY); os.fsync(d); os.close(d)
        for i in range(3):
            os.write(fd, b"record %d\n" % i)
            sys.stdout.write("%d\n" % i); sys.stdout.flush()
            os.fsync(fd)
        """;

    /// <summary>Fails when fewer records survive than lines were printed.</summary>
    internal const string LogChecker = """
        import os, sys
        printed = len(open(os.environ["WRITEBACK_OUTPUT"]).read().splitlines())
        path = os.path.join(os.environ["WRITEBACK_IMAGE"], "log.bin")
        if not os.path.exists(path):
            if printed: print("log.bin is missing but %d records were printed" % printed); sys.exit(1)
            sys.exit(0)
        kept = len(open(path).read().splitlines())
        if kept < printed: print("only %d of %d printed records survived" % (kept, printed)); sys.exit(1)
        """;

    [Fact]
    public void Every_failure_of_the_bundled_examples_carries_a_diagnosis_in_text_and_json()
    {
        using var directory = new TempDirectory();
        string json = directory.File("check.json");
        var run = CliRun.Of("check", "--json", json);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("diagnosis: relied on a whole-file sync", run.Console, StringComparison.Ordinal);
        Assert.Contains("diagnosis: name never made durable", run.Console, StringComparison.Ordinal);
        Assert.Contains("diagnosis: acknowledged before its sync", run.Console, StringComparison.Ordinal);
        Assert.Contains("Next: your own C# scenarios", run.Console, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var firstFailures = document.RootElement.GetProperty("scenarios").EnumerateArray()
            .SelectMany(s => s.GetProperty("firstFailures").EnumerateArray()).ToList();
        Assert.NotEmpty(firstFailures);
        foreach (JsonElement failure in firstFailures)
        {
            JsonElement diagnosis = failure.GetProperty("diagnosis");
            Assert.False(string.IsNullOrEmpty(diagnosis.GetProperty("rule").GetString()), failure.ToString());
            Assert.Contains(diagnosis.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("role").GetString() == "Crash");
        }
        // The header-barrier example breaks only because Linux 3.16 msync syncs only its range.
        JsonElement barrier = document.RootElement.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "header-barrier");
        Assert.Equal("ReliedOnWholeFileSync", barrier.GetProperty("firstFailures")[0].GetProperty("diagnosis").GetProperty("category").GetString());
    }

    [SkippableTheory]
    [InlineData("no_fsync_dir", "name never made durable", "NameNeverDurable")]
    [InlineData("fsync_dir", "acknowledged before its sync", "AcknowledgedBeforeSync")]
    public void A_traced_python_log_gets_the_rule_it_broke_and_counts_printed_lines(string variant, string label, string category)
    {
        Skip.If(Python.Value is null, "python3 is not installed");
        TraceCommandTests.RequirePtrace();
        using var directory = new TempDirectory();
        string dir = directory.File("db");
        Directory.CreateDirectory(dir);
        File.WriteAllText(directory.File("app.py"), LogProgram);
        File.WriteAllText(directory.File("check.py"), LogChecker);
        string json = directory.File("report.json");

        var run = CliRun.Of("trace", "--dir", dir, "--checker", $"{Python.Value} {directory.File("check.py")}", "--model", "Linux3_16Range",
                               "--json", json, "--", Python.Value!, directory.File("app.py"), variant);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("app.py under Linux3_16Range", run.Console, StringComparison.Ordinal); // named after the script, not python3
        Assert.Contains($"diagnosis: {label}", run.Console, StringComparison.Ordinal);
        Assert.Matches("1 line printed, the last \"0\"", run.Console);
        Assert.Matches(@"crash point \d+: kernel crash after #\d+ write\(stdout, 2 bytes\)", run.Console);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement first = document.RootElement.GetProperty("scenarios")[0].GetProperty("firstFailures")[0];
        JsonElement diagnosis = first.GetProperty("diagnosis");
        Assert.Equal(category, diagnosis.GetProperty("category").GetString());
        Assert.Equal("line 1 \"0\"", diagnosis.GetProperty("acknowledgement").GetString());
        Assert.Contains(diagnosis.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("role").GetString() == "Acknowledgement");
        // The reproduce line for a trace is a trace command, never a check --scenario one.
        Assert.StartsWith("writeback trace ", first.GetProperty("reproduce").GetString(), StringComparison.Ordinal);
    }
}
