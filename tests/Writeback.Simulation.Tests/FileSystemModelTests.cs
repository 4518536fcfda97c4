namespace Writeback.Simulation.Tests;

/// <summary>
/// The per-file-system models (Ext4Ordered, Xfs, Btrfs) against the strict Linux3_16Range: what an
/// fsync of a file does for names. The litmus tests of docs/realfs.md check them against real crash
/// images; these pin the simulator's side.
/// </summary>
public sealed class FileSystemModelTests
{
    /// <summary>Creates two files, writes both, fsyncs only the second, acknowledges.</summary>
    private sealed class CreateFsyncFile : ICrashScenario
    {
        public string Name => "create-fsync-file";

        public void Run(IMappedStorage storage, Acknowledgements acknowledged)
        {
            using (IMappedFile other = storage.Open("other.bin"))
            {
                other.SetLength(1);
                other.Write(0, "b"u8);
            }
            using IMappedFile file = storage.Open("f.bin");
            file.SetLength(1);
            file.Write(0, "a"u8);
            file.FlushFile();
            acknowledged.Add(1);
        }

        public CheckResult Check(IMappedStorage recovered, CrashContext context)
        {
            if (context.Acknowledged.Count > 0 && !recovered.Exists("f.bin"))
            {
                return CheckResult.Fail("f.bin was fsynced and acknowledged but its name is gone");
            }
            if (context.Acknowledged.Count > 0 && !recovered.Exists("other.bin"))
            {
                return CheckResult.Fail("other.bin's name, created before the fsync, is gone");
            }
            return CheckResult.Ok;
        }
    }

    private static bool Passes(KernelModel model) =>
        new CrashExplorer(model, new ExplorerOptions { CrashKinds = [CrashKind.PowerLoss], Seed = 1, Shrink = false }).Explore(new CreateFsyncFile()).Passed;

    [Fact]
    public void Under_strict_names_an_fsynced_new_file_can_lose_its_name()
    {
        Assert.False(Passes(KernelModel.Linux3_16Range));
        Assert.False(Passes(KernelModel.Btrfs)); // btrfs logs only the fsynced file's own name: not expressible per directory, so strict
    }

    [Fact]
    public void On_ext4_and_xfs_an_fsync_commits_every_earlier_name_change()
    {
        Assert.True(Passes(KernelModel.Ext4Ordered));
        Assert.True(Passes(KernelModel.Xfs));
    }

    [Fact]
    public void File_system_models_parse_by_name_but_stay_out_of_the_kernel_list()
    {
        Assert.True(KernelModel.TryParse("ext4ordered", out KernelModel? ext4));
        Assert.Same(KernelModel.Ext4Ordered, ext4);
        Assert.True(KernelModel.TryParse("Btrfs", out _));
        Assert.Equal(["Ext4Ordered", "Xfs", "Btrfs"], KernelModel.FileSystems.Select(m => m.Name));
        Assert.DoesNotContain(KernelModel.All, m => KernelModel.FileSystems.Contains(m));
    }
}
