using System.Diagnostics;
using System.Text.RegularExpressions;
using Writeback.Tracing.Corpus;

namespace Writeback.Tracing.Tests;

/// <summary>The corpus (corpus/ in the repository): every manifest is valid, and entries recorded here get the verdicts their documentation promises.</summary>
public sealed class CorpusTests
{
    private static readonly Lazy<string> CorpusFolder = new(FindCorpus);

    private static string FindCorpus()
    {
        for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "corpus", "README.md")))
            {
                return Path.Combine(directory, "corpus");
            }
        }
        throw new InvalidOperationException($"no corpus/ folder above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void Every_entry_manifest_is_valid_and_names_files_that_exist()
    {
        IReadOnlyList<CorpusEntry> entries = CorpusManifest.LoadAll(CorpusFolder.Value);

        Assert.True(entries.Count >= 16, $"{entries.Count} entries");
        Assert.True(entries.Select(e => e.Engine).Distinct().Count() >= 7, string.Join(", ", entries.Select(e => e.Engine).Distinct()));
        foreach (CorpusEntry entry in entries)
        {
            Assert.Equal(3, entry.Expected["Linux3_16Range"].Count);
            Assert.StartsWith("http", entry.PromiseLink, StringComparison.Ordinal);
            Assert.NotEmpty(entry.Reasoning);
            IEnumerable<string> commands = new[] { entry.Build, entry.Setup, entry.Checker }.Concat(entry.Run).OfType<string>();
            foreach (Match? reference in commands.SelectMany(c => System.Text.RegularExpressions.Regex.Matches(c, @"\$\{(CORPUS|ENTRY)\}/[^\s'""]+")))
            {
                string path = entry.Expand(reference.Value, "/nonexistent-build");
                Assert.True(File.Exists(path), $"{entry.Name}: {reference.Value} does not exist ({path})");
            }
        }
    }

    /// <summary>
    /// whatif judges an image once for both models and every crash kind (CheckerOptions.VerdictDependsOnContext
    /// false): sound only while no corpus checker reads what it is told about the crash. Every source in the
    /// corpus (shared checkers, programs whose builds include checkers, entry folders) is searched.
    /// </summary>
    [Fact]
    public void No_corpus_checker_reads_the_crash_kind_model_or_crash_point()
    {
        string[] told = ["WRITEBACK_MODEL", "WRITEBACK_CRASH_KIND", "WRITEBACK_CRASH_POINT"];
        string[] sources = Directory.EnumerateFiles(CorpusFolder.Value, "*", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}recorded{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                           && !path.EndsWith(".md", StringComparison.Ordinal))
            .ToArray();
        Assert.Contains(sources, path => path.EndsWith("sqlite_check.py", StringComparison.Ordinal));
        foreach (string? path in sources)
        {
            string text = File.ReadAllText(path);
            Assert.False(told.Any(name => text.Contains(name, StringComparison.Ordinal)),
                         $"{path} reads one of {string.Join(", ", told)}; whatif shares verdicts across crash kinds and models (corpus/README.md)");
        }
    }

    [Theory]
    [InlineData("""{"name": 1}""", "name must be a string")]
    [InlineData("""{"nme": "x"}""", "unknown key 'nme'")]
    [InlineData("not json", "not JSON")]
    public void A_bad_manifest_names_its_file_and_key(string json, string message)
    {
        using var directory = new TempDirectory();
        string folder = Directory.CreateDirectory(Path.Combine(directory.Path, "bad-entry")).FullName;
        File.WriteAllText(Path.Combine(folder, "entry.json"), json);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => CorpusManifest.Load(Path.Combine(folder, "entry.json")));
        Assert.Contains(Path.Combine(folder, "entry.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expected_verdict_that_is_not_pass_or_fail_is_refused()
    {
        string valid = File.ReadAllText(Path.Combine(CorpusFolder.Value, "python-replace-fsync", "entry.json"));
        using var directory = new TempDirectory();
        string folder = Directory.CreateDirectory(Path.Combine(directory.Path, "python-replace-fsync")).FullName;
        File.WriteAllText(Path.Combine(folder, "entry.json"), valid.Replace("\"PowerLoss\": \"pass\"", "\"PowerLoss\": \"maybe\"", StringComparison.Ordinal));

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => CorpusManifest.Load(Path.Combine(folder, "entry.json")));
        Assert.Contains("expected.Linux3_16Range.PowerLoss must be \"pass\" or \"fail\"", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Records the entry as <c>writeback corpus record</c> does, reloads the saved trace, and explores it with the entry's checker.</summary>
    [SkippableTheory]
    [InlineData("sqlite-wal-full")]
    [InlineData("sqlite-wal-normal")]
    [InlineData("python-replace-fsync-nodirsync")]
    [InlineData("python-mmap-flush-header")]
    public void A_recorded_entry_gets_the_verdicts_its_documentation_promises(string name)
    {
        Traced.RequirePtrace();
        CorpusEntry entry = CorpusManifest.Load(Path.Combine(CorpusFolder.Value, name, "entry.json"));
        using var output = new TempDirectory();
        CorpusRecordResult result = CorpusRecorder.Record(entry, output.Path, Path.Combine(output.Path, "build"), TimeSpan.FromSeconds(120));
        Skip.If(result.Status == CorpusRecordStatus.Skipped, result.Reason);
        Assert.True(result.Status == CorpusRecordStatus.Recorded, result.Reason);

        Recording recording;
        using (FileStream stream = File.OpenRead(result.TracePath!))
        {
            recording = Recording.Load(stream);
        }
        Traced.Outcome outcome = Traced.Explore(recording, entry.ExpandedChecker(Path.Combine(output.Path, "build", name)), entry.Ignore);

        foreach ((string? modelName, IReadOnlyDictionary<CrashKind, bool>? verdicts) in entry.Expected)
        {
            KernelModel model = Traced.LinuxModels.Single(m => m.Name == modelName);
            foreach ((CrashKind kind, bool pass) in verdicts)
            {
                Assert.True(pass == outcome.Passed(model, kind), $"{name} {modelName} {kind}: expected {(pass ? "pass" : "fail")}; {outcome}");
            }
        }
    }

    /// <summary>
    /// A checker meets crash images no program left on a clean shutdown: a data file shorter than what its
    /// metadata names, a torn manifest line, a torn value. It must say so in one line and fail, never die of a
    /// signal (LMDB maps data.mdb and read past its end with SIGBUS) or a traceback.
    /// </summary>
    [SkippableFact]
    public void Corpus_checkers_report_short_and_torn_files_in_one_line_instead_of_dying()
    {
        string program = TestPrograms.Compile("lmdb_log", "-llmdb");
        using var directory = new TempDirectory();
        string environment = Directory.CreateDirectory(Path.Combine(directory.Path, "env")).FullName;
        Assert.Equal(0, TestPrograms.Run(program, ["default", "0"], environment).ExitCode);
        Assert.Equal(0, TestPrograms.Run(program, ["default", "3"], environment).ExitCode);
        string output = Path.Combine(directory.Path, "output");
        File.WriteAllText(output, "ack 1\nack 2\nack 3\n");
        (int ExitCode, string Output) Check(string command, params string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["WRITEBACK_IMAGE"] = environment;
            start.Environment["WRITEBACK_OUTPUT"] = output;
            using Process process = System.Diagnostics.Process.Start(start)!;
            string text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, text);
        }
        Assert.Equal((0, ""), Check(program, "check"));

        using (var data = new FileStream(Path.Combine(environment, "data.mdb"), FileMode.Open))
        {
            data.SetLength(8192); // both meta pages, none of the pages the newest one names
        }
        (int exitCode, string? message) = Check(program, "check");
        Assert.True(exitCode == 1, $"exit {exitCode}: {message}"); // 135 was SIGBUS
        Assert.Matches(@"^data\.mdb is 8192 bytes but its meta page names page \d+, which needs \d+ bytes \(3 puts acknowledged\)\n$", message);

        string python = TestPrograms.Require("python3");
        string checkers = Path.Combine(CorpusFolder.Value, "_checkers");
        Directory.CreateDirectory(Path.Combine(environment, "appendonlydir"));
        File.WriteAllText(Path.Combine(environment, "appendonlydir", "appendonly.aof.manifest"), "file appendonly.aof.1.base.rdb seq 1 type b\nfi");
        (exitCode, message) = Check(python, "-S", Path.Combine(checkers, "redis_aof_check.py"));
        Assert.Equal((1, "append-only manifest appendonly.aof.manifest has a line without a file: b'fi'\n"), (exitCode, message));
        File.WriteAllText(Path.Combine(environment, "current"), string.Concat(Enumerable.Repeat("value \n", 100)));
        (exitCode, message) = Check(python, "-S", Path.Combine(checkers, "replace_check.py"));
        Assert.Equal((1, "current is torn ('value ') with 3 replaces acknowledged\n"), (exitCode, message));
    }

    [SkippableFact]
    public void A_file_published_by_link_then_unlink_survives_power_loss_only_when_its_directory_is_fsynced() =>
        AssertDurableOnlyWithDirectoryFsync("link_log.py", "check_link_log.py",
            withSync =>
            {
                Assert.Equal(2, withSync.Events.Count(e => e is { Kind: TraceEventKind.Link, Path: ['t', 'm', 'p', ..] }));
                Assert.Contains(withSync.Events, e => e is { Kind: TraceEventKind.Link, Path: "tmp_1", TargetPath: "object_1" });
            },
            message => message.Contains("is missing but it was acknowledged", StringComparison.Ordinal));

    /// <summary>
    /// A symbolic link is recorded with its target string and replayed as a name whose target is part of the entry:
    /// durable once its directory is fsynced. The checker sees a real symbolic link in each crash image
    /// (every state passing means every image had "current" as a symbolic link to an intact version).
    /// </summary>
    [SkippableFact]
    public void A_symbolic_link_switched_by_rename_survives_power_loss_only_when_its_directory_is_fsynced()
    {
        Recording withSync = AssertDurableOnlyWithDirectoryFsync("symlink_log.py", "check_symlink_log.py",
            recorded =>
            {
                Assert.Contains(recorded.Events, e => e is { Kind: TraceEventKind.Symlink, Path: "current.tmp", TargetPath: "data-1" });
                Assert.Equal(2, recorded.Events.Count(e => e is { Kind: TraceEventKind.Rename, Path: "current.tmp", TargetPath: "current" }));
            },
            message => message.StartsWith("current is missing but", StringComparison.Ordinal)
                       || message.StartsWith("current points at data-1 but", StringComparison.Ordinal));
        // A saved recording keeps the link.
        using var stream = new MemoryStream();
        withSync.Save(stream);
        stream.Position = 0;
        Assert.Contains(Recording.Load(stream).Events, e => e is { Kind: TraceEventKind.Symlink, TargetPath: "data-2" });
    }

    /// <summary>
    /// The pattern the link and symbolic link tests share: records the Python test program
    /// <paramref name="program"/> with its directory fsync ("dirsync 2") and without ("nodirsync 2"),
    /// lets <paramref name="assertRecorded"/> check what the synced run recorded, then explores both
    /// with <paramref name="checker"/>. The synced run must pass every crash state; the unsynced one
    /// must pass every process crash and fail power loss under every Linux model, with a failure whose
    /// message <paramref name="isExpectedFailure"/> accepts. Returns the synced recording.
    /// </summary>
    private static Recording AssertDurableOnlyWithDirectoryFsync(string program, string checker, Action<Recording> assertRecorded, Func<string, bool> isExpectedFailure)
    {
        string python = TestPrograms.Require("python3");
        using var synced = new TempDirectory();
        Recording withSync = Traced.Record(synced.Path, python, TestPrograms.Source(program), "dirsync", "2");
        using var unsynced = new TempDirectory();
        Recording withoutSync = Traced.Record(unsynced.Path, python, TestPrograms.Source(program), "nodirsync", "2");
        string checkerCommand = $"{CorpusTools.Python} {TestPrograms.Source(checker)}";

        assertRecorded(withSync);
        Traced.Outcome good = Traced.Explore(withSync, checkerCommand);
        Traced.Outcome bad = Traced.Explore(withoutSync, checkerCommand);
        Assert.True(good.Reports.All(r => r.Failures.Count == 0), good.ToString());
        foreach (KernelModel model in Traced.LinuxModels)
        {
            Assert.True(bad.Passed(model, CrashKind.ProcessCrash), bad.ToString());
            Assert.False(bad.Passed(model, CrashKind.PowerLoss), bad.ToString());
        }
        Assert.Contains(bad.Reports.SelectMany(r => r.Failures), f => isExpectedFailure(f.Message));
        return withSync;
    }

    [SkippableFact]
    public void A_call_through_a_symbolic_link_the_program_made_is_refused_with_the_call()
    {
        using var directory = new TempDirectory();
        Traced.RequirePtrace();
        TraceException error = Assert.Throws<TraceException>(() => Traced.Record(directory.Path, "/bin/sh", "-c", "echo x > f && ln -s f g && echo y >> g"));
        Assert.Contains("through the symbolic link 'g' it made in the traced directory: following symbolic links is not modelled", error.Message, StringComparison.Ordinal);
    }
}
