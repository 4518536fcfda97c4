using System.Text.Json.Nodes;
using Writeback.Simulation.Examples;

namespace Writeback.Simulation.Tests;

/// <summary>
/// Models as data: the built-in model files give exactly the verdicts the models had as C# code, every
/// error path of the loader names the file, the JSON path and what is allowed, and each name rule is honoured.
/// </summary>
public sealed class ModelFileTests
{
    private static string Linux316 => KernelModel.BuiltInFile("Linux3_16Range")!;

    [Fact]
    public void Bundled_examples_get_the_verdicts_recorded_before_the_models_became_files()
    {
        var golden = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "BuiltInModelVerdicts.golden.txt"))
            .Where(line => !line.StartsWith('#') && line.Length > 0).ToList();
        var actual = new List<string>();
        foreach (var atomicWriteBytes in new[] { 4096, 512 })
        {
            foreach (var bundled in BundledScenarios.All)
            {
                var verdicts = new List<string>();
                var states = new List<string>();
                foreach (var model in KernelModel.All)
                {
                    var options = new ExplorerOptions { AtomicWriteBytes = atomicWriteBytes, Seed = 0, StorageFaults = bundled.Faults };
                    var report = new CrashExplorer(model, options).Explore(bundled.Scenario);
                    foreach (var kind in Enum.GetValues<CrashKind>())
                    {
                        var failures = report.Failures.Count(f => f.Kind == kind);
                        verdicts.Add($"{bundled.Scenario.Name} {model.Name} {kind} {atomicWriteBytes}: {(failures == 0 ? "pass" : "FAIL")} {failures}");
                    }
                    states.Add($"{bundled.Scenario.Name} {model.Name} states {atomicWriteBytes}: {report.StatesChecked}");
                }
                actual.AddRange(verdicts);
                actual.AddRange(states);
            }
        }
        Assert.Equal(golden, actual);
    }

    [Fact]
    public void Every_built_in_model_is_its_shipped_file_and_round_trips()
    {
        foreach (var model in KernelModel.All)
        {
            var file = KernelModel.BuiltInFile(model.Name);
            Assert.NotNull(file);
            var parsed = KernelModel.Parse(file, model.Name + ".json");
            var again = KernelModel.Parse(model.ToJson(), "ToJson");
            foreach (var call in Enum.GetValues<ModelCall>())
            {
                Assert.Equal(model.EffectOf(call), parsed.EffectOf(call));
                Assert.Equal(model.EffectOf(call), again.EffectOf(call));
            }
            Assert.Equal(model.Names, again.Names);
            Assert.Equal(model.Description, again.Description);
        }
        Assert.Null(KernelModel.BuiltInFile("NoSuchModel"));
    }

    [Fact]
    public void The_schema_lists_exactly_the_calls_and_keys_the_loader_knows()
    {
        var schema = JsonNode.Parse(KernelModel.Schema)!;
        var calls = schema["properties"]!["calls"]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(Enum.GetValues<ModelCall>().Select(c => char.ToLowerInvariant(c.ToString()[0]) + c.ToString()[1..]), calls);
        var names = schema["properties"]!["names"]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(new[] { "directoryFsyncRequired", "fileFsyncPersistsName", "replacingRenamePersistsData", "unsyncedChangesPersistInOrder" }, names);
        Assert.Equal(new[] { "$schema", "name", "description", "calls", "names" }, schema["properties"]!.AsObject().Select(p => p.Key));
    }

    public static TheoryData<string, string, string> BadFiles() => new()
    {
        { "{ \"name\": ", "$: not JSON", "a model file is one JSON object" },
        { "[1, 2]", "$: expected an object, found an array", "" },
        { Edit(Linux316, j => j["colour"] = "red"), "$.colour: unknown key; allowed: $schema, name, description, calls, names", "" },
        { Edit(Linux316, j => j["calls"]!["fsnyc"] = j["calls"]!["fsync"]!.DeepClone()), "$.calls.fsnyc: unknown key; allowed: msyncRangeSync", "" },
        { Edit(Linux316, j => j["calls"]!["fsync"]!["speed"] = "fast"), "$.calls.fsync.speed: unknown key; allowed: covers, data, length, startsIo, names", "" },
        { Edit(Linux316, j => j["calls"]!["fsync"]!["data"] = "stabel"), "$.calls.fsync.data: unknown level \"stabel\"; allowed: none, deviceCache, stable", "" },
        { Edit(Linux316, j => j["calls"]!["msyncRangeSync"]!["covers"] = "page"), "$.calls.msyncRangeSync.covers: unknown coverage \"page\"; allowed: range, wholeFile", "" },
        { Edit(Linux316, j => j["calls"]!.AsObject().Remove("fdatasync")), "$.calls: missing \"fdatasync\"; a model states every call", "" },
        { Edit(Linux316, j => j["calls"]!["fsync"]!.AsObject().Remove("length")), "$.calls.fsync: missing \"length\"; allowed: none, deviceCache, stable", "" },
        { Edit(Linux316, j => j.AsObject().Remove("name")), "$: missing \"name\"", "" },
        { Edit(Linux316, j => j["name"] = 7), "$.name: expected a string, found the number 7", "" },
        { Edit(Linux316, j => j["name"] = "my model"), "$.name: \"my model\" is not a model name; allowed:", "" },
        { Edit(Linux316, j => j["names"]!["fileFsyncPersistsName"] = "yes"), "$.names.fileFsyncPersistsName: expected true or false, found the string \"yes\"", "" },
        { Edit(Linux316, j => j["names"]!["renamesAtomic"] = true), "$.names.renamesAtomic: unknown key; allowed: directoryFsyncRequired", "" },
        { Edit(Linux316, j => j["calls"]!["fsync"]!["names"] = "stable"), "$.calls.fsync.names: only \"sync\" and \"directoryFsync\" state \"names\"", "" },
        { Edit(Linux316, j => j["calls"]!["directoryFsync"]!["data"] = "stable"), "$.calls.directoryFsync.data: a directory fsync states only \"names\"", "" },
        { Edit(Linux316, j => j["calls"]!["msyncWholeSync"]!["data"] = "deviceCache"),
          "$.calls.msyncWholeSync.data: msyncWholeSync is weaker than msyncRangeSync (deviceCache < stable), a contradiction: a whole-mapping msync covers every range of it; allowed: at least stable", "" },
        { Edit(Linux316, j => j["calls"]!["fsync"]!["length"] = "none"), "$.calls.fsync.length: fsync is weaker than fdatasync (none < stable)", "" },
        { Edit(Linux316, j => j["calls"]!["oSyncWrite"]!["data"] = "none"), "$.calls.oSyncWrite.data: oSyncWrite is weaker than oDsyncWrite", "" },
        { Edit(Linux316, j => j["calls"]!["sync"]!["names"] = "deviceCache"), "$.calls.sync.names: sync is weaker than directoryFsync (deviceCache < stable)", "" },
        { Edit(Linux316, j => j["calls"]!["fdatasync"]!["covers"] = "range"), "$.calls.fdatasync.covers: \"range\" contradicts fdatasync, which has no range; allowed: wholeFile", "" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_model_file_is_one_line_naming_the_file_the_path_and_what_is_allowed(string json, string expected, string alsoExpected)
    {
        var directory = Directory.CreateTempSubdirectory("writeback-model-");
        var path = Path.Combine(directory.FullName, "candidate.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<ModelFileException>(() => KernelModel.Load(path));
        directory.Delete(recursive: true);
        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(alsoExpected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_missing_file_is_one_line_too()
    {
        var error = Assert.Throws<ModelFileException>(() => KernelModel.Load("/nonexistent/candidate.json"));
        Assert.StartsWith("/nonexistent/candidate.json: $: cannot read the file:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_CSharp_API_builds_the_same_model_and_checks_it_as_a_file()
    {
        var copy = new KernelModel("MyLinux", "a copy", KernelModel.Linux3_16Range.Calls, KernelModel.Linux3_16Range.Names);
        var scenario = BundledScenarios.MissingDirectoryFlush.Scenario;
        Assert.Equal(Verdicts(KernelModel.Linux3_16Range, scenario), Verdicts(copy, scenario));
        var calls = KernelModel.Linux3_16Range.Calls.ToDictionary(c => c.Key, c => c.Value);
        calls[ModelCall.Fsync] = calls[ModelCall.Fsync] with { Data = DurabilityLevel.DeviceCache };
        var error = Assert.Throws<ModelFileException>(() => new KernelModel("Weak", "", calls));
        Assert.Equal("C# model Weak: $.calls.fsync.data: fsync is weaker than fdatasync (deviceCache < stable), a contradiction: "
                     + "fsync does everything fdatasync does, and the metadata; allowed: at least stable", error.Message);
    }

    [Fact]
    public void Without_directory_fsync_required_a_created_name_is_durable_on_return()
    {
        var scenario = BundledScenarios.MissingDirectoryFlush.Scenario;
        Assert.Equal("pass FAIL FAIL", Verdicts(KernelModel.Linux3_16Range, scenario));
        var dirsync = WithNames(new NameSemantics { DirectoryFsyncRequired = false });
        Assert.Equal("pass pass pass", Verdicts(dirsync, scenario));
    }

    [Fact]
    public void With_file_fsync_persisting_its_name_a_new_file_survives_without_a_directory_fsync()
    {
        var scenario = new DelegateScenario("fsync-new-file", (storage, acknowledged) =>
        {
            using var file = storage.Open("new.bin", new MappedFileOptions { Length = 4096 });
            file.Write(0, "committed"u8);
            file.FlushFile();
            acknowledged.Add(1);
        }, CommittedFileSurvives("new.bin"));
        Assert.Equal("pass FAIL FAIL", Verdicts(KernelModel.Linux3_16Range, scenario));
        Assert.Equal("pass pass pass", Verdicts(WithNames(new NameSemantics { FileFsyncPersistsName = true }), scenario));
    }

    [Fact]
    public void With_replacing_rename_persisting_data_an_unsynced_atomic_replace_keeps_the_new_data()
    {
        var scenario = new DelegateScenario("replace-without-fsync", (storage, acknowledged) =>
        {
            using (var old = storage.Open("data.bin", new MappedFileOptions { Length = 4096 }))
            {
                old.Write(0, "committed"u8);
                old.FlushFile();
            }
            storage.FlushDirectory();
            using (var temporary = storage.Open("data.tmp", new MappedFileOptions { Length = 4096 }))
            {
                temporary.Write(0, "committed"u8);
            }
            storage.Rename("data.tmp", "data.bin");
            storage.FlushDirectory();
            acknowledged.Add(1);
        }, CommittedFileSurvives("data.bin"));
        Assert.Equal("pass FAIL FAIL", Verdicts(KernelModel.Linux3_16Range, scenario));
        Assert.Equal("pass pass pass", Verdicts(WithNames(new NameSemantics { ReplacingRenamePersistsData = true }), scenario));
    }

    /// <summary>
    /// A commit marker created after its data file, both fsynced, neither directory-fsynced: with in-order name
    /// changes a crash keeps a prefix of them (none, the data file, both), so the marker never outlives the data
    /// file; with out-of-order changes any subset persists, the marker alone too.
    /// </summary>
    [Fact]
    public void Without_in_order_name_changes_a_later_unsynced_name_persists_without_an_earlier_one()
    {
        var scenario = new DelegateScenario("marker-after-data", (storage, acknowledged) =>
        {
            using (var data = storage.Open("data.bin", new MappedFileOptions { Length = 4096 }))
            {
                data.Write(0, "committed"u8);
                data.FlushFile();
            }
            using (var marker = storage.Open("done", new MappedFileOptions { Length = 4096 }))
            {
                marker.FlushFile();
            }
        }, (recovered, _) => recovered.Exists("done") && !recovered.Exists("data.bin") ? CheckResult.Fail("done without data.bin") : CheckResult.Ok);
        var unordered = WithNames(new NameSemantics { UnsyncedChangesPersistInOrder = false });

        Assert.Equal("pass pass pass", Verdicts(KernelModel.Linux3_16Range, scenario));
        Assert.Equal("pass FAIL FAIL", Verdicts(unordered, scenario));
        var report = new CrashExplorer(unordered, new ExplorerOptions { Seed = 1 }).Explore(scenario);
        Assert.Contains(report.Failures, f => f.Deviations.Any(d => d.StartsWith("directory: names [done]", StringComparison.Ordinal)));
        // The model file says so too, and reads back.
        var file = KernelModel.Parse(unordered.ToJson(), "unordered.json");
        Assert.False(file.Names.UnsyncedChangesPersistInOrder);
        Assert.Equal("pass FAIL FAIL", Verdicts(file, scenario));
    }

    /// <summary>A rename is two name changes: out of order, the old name's removal can persist without the new name (in order it cannot).</summary>
    [Fact]
    public void Without_in_order_name_changes_a_renamed_file_can_lose_both_names()
    {
        var scenario = new DelegateScenario("synced-then-unsynced", (storage, acknowledged) =>
        {
            using (var data = storage.Open("data.bin", new MappedFileOptions { Length = 4096 }))
            {
                data.Write(0, "committed"u8);
                data.FlushFile();
            }
            storage.FlushDirectory();
            acknowledged.Add(1);
            using (var marker = storage.Open("done", new MappedFileOptions { Length = 4096 }))
            {
                marker.FlushFile();
            }
            storage.Rename("data.bin", "data.old");
        }, (recovered, context) => context.Acknowledged.Count > 0 && !recovered.Exists("data.bin") && !recovered.Exists("data.old")
            ? CheckResult.Fail("data.bin is gone under both names") : CheckResult.Ok);
        var unordered = WithNames(new NameSemantics { UnsyncedChangesPersistInOrder = false });

        Assert.Equal("pass pass pass", Verdicts(KernelModel.Linux3_16Range, scenario));
        Assert.Equal("pass FAIL FAIL", Verdicts(unordered, scenario));
    }

    private static Func<IMappedStorage, CrashContext, CheckResult> CommittedFileSurvives(string name) => (recovered, context) =>
    {
        if (context.Acknowledged.Count == 0)
        {
            return CheckResult.Ok;
        }
        if (!recovered.Exists(name))
        {
            return CheckResult.Fail($"{name} is gone");
        }
        using var file = recovered.Open(name, new MappedFileOptions { Mode = FileMode.Open });
        var bytes = new byte[9];
        file.Read(0, bytes);
        return bytes.AsSpan().SequenceEqual("committed"u8) ? CheckResult.Ok : CheckResult.Fail($"{name} lost its data");
    };

    private static KernelModel WithNames(NameSemantics names) =>
        new("Knob", "Linux3_16Range with other name rules", KernelModel.Linux3_16Range.Calls, names);

    private static string Verdicts(KernelModel model, ICrashScenario scenario)
    {
        var report = new CrashExplorer(model, new ExplorerOptions { Seed = 1 }).Explore(scenario);
        return string.Join(' ', Enum.GetValues<CrashKind>().Select(kind => report.Failures.Any(f => f.Kind == kind) ? "FAIL" : "pass"));
    }

    private static string Edit(string json, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(json)!;
        edit(node);
        return node.ToJsonString();
    }
}
