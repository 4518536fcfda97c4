using System.Text.Json;

namespace Writeback.Cli.Tests;

/// <summary><c>writeback corpus record</c> over the repository's corpus.</summary>
public sealed class CorpusCommandTests
{
    private static readonly string Corpus = Path.Combine(ProcessRunner.RepositoryRoot(), "corpus");

    [Fact]
    public void An_unknown_entry_is_a_usage_error_naming_it()
    {
        var run = CliRun.Of("corpus", "record", "--corpus", Corpus, "--only", "no-such-entry");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("writeback: corpus record: --only no-such-entry: no such entry", run.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Recording_one_python_entry_saves_its_trace_and_a_manifest()
    {
        Skip.If(!File.Exists("/usr/bin/python3") && Environment.GetEnvironmentVariable("PATH")?.Split(':').All(d => !File.Exists(Path.Combine(d, "python3"))) == true, "python3 is not installed");
        string output = Directory.CreateTempSubdirectory("writeback-corpus-cli-").FullName;
        try
        {
            var run = CliRun.Of("corpus", "record", "--corpus", Corpus, "--only", "python-replace-fsync", "--out", output);
            Skip.If(run.Console.Contains("PTRACE_SEIZE", StringComparison.Ordinal), "ptrace is not permitted here");

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("recorded python-replace-fsync (python)", run.Console, StringComparison.Ordinal);
            Assert.True(new FileInfo(Path.Combine(output, "python-replace-fsync.trace")).Length > 0);
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
            JsonElement entry = manifest.RootElement.GetProperty("entries")[0];
            Assert.Equal("recorded", entry.GetProperty("status").GetString());
            Assert.StartsWith("Python 3", entry.GetProperty("programVersion").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(manifest.RootElement.GetProperty("kernel").GetString()));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
