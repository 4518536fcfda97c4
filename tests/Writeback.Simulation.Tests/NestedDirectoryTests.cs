namespace Writeback.Simulation.Tests;

/// <summary>
/// Names in a directory tree are durable per directory (strict POSIX, fsync(2)): an fsync of a
/// directory makes only its own entries durable, and a file survives only if every directory on
/// its path is durably linked. Observed through every image the explorer allows after the last call.
/// </summary>
public sealed class NestedDirectoryTests
{
    private static readonly KernelModel Model = KernelModel.Linux3_16Range;

    /// <summary>The name sets (files, and directories with a trailing '/') of every image allowed after the last call.</summary>
    private static List<string> NameSets(Action<SimulatedStorage> run, CrashKind kind = CrashKind.PowerLoss)
    {
        SimulationRecord record = CrashExplorer.Record(new DelegateScenario("nested", (storage, _) => run((SimulatedStorage)storage)));
        return [.. CrashExplorer.EnumerateImages(record, Model, kind, record.CallCount, new ExplorerOptions())
            .Select(image => string.Join(" ", image.Keys.Order(StringComparer.Ordinal)))
            .Distinct()
            .Order(StringComparer.Ordinal)];
    }

    private static void CreateDurableContent(SimulatedStorage storage, string path)
    {
        using IMappedFile file = storage.Open(path, new MappedFileOptions { Length = 4096 });
        file.Write(0, "data"u8);
        file.FlushFile();
    }

    [Fact]
    public void A_file_in_a_subdirectory_is_durable_only_after_the_subdirectorys_fsync()
    {
        void Run(SimulatedStorage storage, bool fsyncSubdirectory)
        {
            storage.CreateDirectory("sub");
            storage.FlushDirectory();
            CreateDurableContent(storage, "sub/f");
            storage.FlushDirectory(); // the root: not the directory sub/f is in
            if (fsyncSubdirectory)
            {
                storage.FlushDirectory("sub");
            }
        }

        Assert.Equal(["sub/", "sub/ sub/f"], NameSets(s => Run(s, false)));
        Assert.Equal(["sub/ sub/f"], NameSets(s => Run(s, true)));
        Assert.Equal(["sub/ sub/f"], NameSets(s => Run(s, false), CrashKind.ProcessCrash));
    }

    [Fact]
    public void A_new_subdirectory_needs_an_fsync_of_its_parent()
    {
        void Run(SimulatedStorage storage, bool fsyncParent)
        {
            storage.CreateDirectory("sub");
            CreateDurableContent(storage, "sub/f");
            storage.FlushDirectory("sub");
            if (fsyncParent)
            {
                storage.FlushDirectory();
            }
        }

        // Without the parent's fsync, sub/f's durable name is in a directory that is not linked: unreachable.
        Assert.Equal(["", "sub/ sub/f"], NameSets(s => Run(s, false)));
        Assert.Equal(["sub/ sub/f"], NameSets(s => Run(s, true)));
    }

    [Fact]
    public void A_file_under_a_directory_that_is_not_durably_linked_is_lost_however_deep()
    {
        List<string> sets = NameSets(storage =>
        {
            storage.CreateDirectory("a");
            storage.CreateDirectory("a/b");
            CreateDurableContent(storage, "a/b/f");
            storage.FlushDirectory("a/b");
            storage.FlushDirectory("a");
        });

        Assert.Equal(["", "a/ a/b/ a/b/f"], sets);
    }

    [Fact]
    public void Rmdir_is_durable_only_after_an_fsync_of_the_parent()
    {
        void Run(SimulatedStorage storage, bool fsyncParent)
        {
            storage.CreateDirectory("sub");
            storage.FlushDirectory();
            storage.RemoveDirectory("sub");
            if (fsyncParent)
            {
                storage.FlushDirectory();
            }
        }

        Assert.Equal(["", "sub/"], NameSets(s => Run(s, false)));
        Assert.Equal([""], NameSets(s => Run(s, true)));
    }

    [Fact]
    public void Rmdir_of_a_directory_with_entries_fails_with_enotempty()
    {
        ScenarioRunException error = Assert.Throws<ScenarioRunException>(() => NameSets(storage =>
        {
            storage.CreateDirectory("sub");
            CreateDurableContent(storage, "sub/f");
            storage.RemoveDirectory("sub");
        }));
        Assert.Equal(39, Assert.IsType<WritebackException>(error.InnerException).Errno); // ENOTEMPTY
    }

    [Fact]
    public void A_rename_across_directories_never_loses_the_file_from_both_directories()
    {
        void Run(SimulatedStorage storage, string? fsynced)
        {
            storage.CreateDirectory("a");
            storage.CreateDirectory("b");
            CreateDurableContent(storage, "a/f");
            storage.FlushDirectory("a");
            storage.FlushDirectory("b");
            storage.FlushDirectory();
            storage.Rename("a/f", "b/f");
            if (fsynced is not null)
            {
                storage.FlushDirectory(fsynced);
            }
        }

        Assert.Equal(["a/ a/f b/", "a/ b/ b/f"], NameSets(s => Run(s, null)));
        // The target's fsync makes the new name durable; the old one may still be there (never lost from both).
        Assert.Equal(["a/ a/f b/ b/f", "a/ b/ b/f"], NameSets(s => Run(s, "b")));
        // The source's fsync makes the removal durable, and with it the rename's new name (one transaction).
        Assert.Equal(["a/ b/ b/f"], NameSets(s => Run(s, "a")));
    }

    [Fact]
    public void A_file_renamed_into_a_new_subdirectory_whose_entry_is_not_durable_may_stay_under_its_old_name_only()
    {
        List<string> sets = NameSets(storage =>
        {
            CreateDurableContent(storage, "f");
            storage.FlushDirectory();
            storage.CreateDirectory("new");
            storage.Rename("f", "new/f");
            storage.FlushDirectory("new"); // not the root: new's own entry, and f's removal, are not durable
        });

        Assert.Equal(["f", "f new/ new/f", "new/ new/f"], sets);
    }

    [Fact]
    public void A_file_renamed_into_new_directories_and_its_old_directory_fsynced_keeps_the_new_name_and_its_chain()
    {
        // The rule LossyFs states too: the old name's removal is durable, so the new name is, with
        // every directory on its path (a journal commits the mkdirs with the rename).
        List<string> Run(int depth) => NameSets(storage =>
        {
            storage.CreateDirectory("x");
            CreateDurableContent(storage, "x/f");
            storage.FlushDirectory("x");
            storage.FlushDirectory();
            string target = "n";
            storage.CreateDirectory(target);
            for (int level = 1; level < depth; level++)
            {
                target += "/m";
                storage.CreateDirectory(target);
            }
            storage.Rename("x/f", target + "/f");
            storage.FlushDirectory("x");
        });

        Assert.Equal(["n/ n/f x/"], Run(1));
        Assert.Equal(["n/ n/m/ n/m/f x/"], Run(2));
        Assert.Equal(["n/ n/m/ n/m/m/ n/m/m/f x/"], Run(3));
    }

    [Fact]
    public void A_renamed_directory_keeps_its_durable_entries()
    {
        List<string> sets = NameSets(storage =>
        {
            storage.CreateDirectory("tmp");
            CreateDurableContent(storage, "tmp/f");
            storage.FlushDirectory("tmp");
            storage.FlushDirectory();
            storage.Rename("tmp", "final");
            storage.FlushDirectory();
        });

        Assert.Equal(["final/ final/f"], sets);
    }

    [Fact]
    public void The_explorer_catches_an_acknowledged_file_whose_subdirectory_was_never_fsynced_and_names_its_path()
    {
        CrashReport Explore(bool fsyncSubdirectory) => new CrashExplorer(Model, new ExplorerOptions { CrashKinds = [CrashKind.PowerLoss] })
            .Explore(new DelegateScenario("nested", (storage, acknowledged) =>
            {
                var simulated = (SimulatedStorage)storage;
                simulated.CreateDirectory("sub");
                CreateDurableContent(simulated, "sub/data");
                if (fsyncSubdirectory)
                {
                    simulated.FlushDirectory("sub");
                }
                storage.FlushDirectory();
                acknowledged.Add(1);
            }, (recovered, context) => context.Acknowledged.Count == 0 || recovered.Exists("sub/data")
                ? CheckResult.Ok
                : CheckResult.Fail("acknowledged sub/data is missing")));

        CrashReport failing = Explore(fsyncSubdirectory: false);
        CrashFailure failure = Assert.Single(failing.Failures);
        Assert.Equal("acknowledged sub/data is missing", failure.Message);
        Assert.Contains(failing.Failures.SelectMany(f => f.Pages), map => map.File == "sub/");
        Assert.Empty(Explore(fsyncSubdirectory: true).Failures);
    }
}
