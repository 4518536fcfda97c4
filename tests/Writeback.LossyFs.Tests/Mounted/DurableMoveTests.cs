namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>
/// Durable data moved out of a directory that is then removed must survive: the release of the
/// removed directory may drop only what no durable or visible name still reaches.
/// </summary>
public sealed class DurableMoveTests
{
    [SkippableFact]
    public void A_durable_file_moved_out_of_a_removed_directory_survives_fsync_of_the_root_and_unmount()
    {
        var mount = TestMount.Create(prepareBacking: backing =>
        {
            Directory.CreateDirectory(Path.Combine(backing, "a"));
            File.WriteAllText(Path.Combine(backing, "a/f"), "data");
        });
        using (mount)
        {
            File.Move(mount.Path("a/f"), mount.Path("g"));
            Directory.Delete(mount.Path("a"));
            BasicMountTests.FsyncDirectory(mount.Mountpoint);
            Assert.Equal("data", File.ReadAllText(mount.Path("g")));
            mount.FileSystem.Unmount();
            Assert.Equal("data", File.ReadAllText(mount.BackingPath("g")));
            Assert.Equal(["g"], Directory.GetFileSystemEntries(mount.Backing).Select(Path.GetFileName));
        }
    }

    [SkippableFact]
    public void A_durable_file_moved_out_of_a_removed_directory_survives_a_crash_after_fsync_of_the_root()
    {
        using var mount = TestMount.Create(prepareBacking: backing =>
        {
            Directory.CreateDirectory(Path.Combine(backing, "a"));
            File.WriteAllText(Path.Combine(backing, "a/f"), "data");
        });
        File.Move(mount.Path("a/f"), mount.Path("g"));
        Directory.Delete(mount.Path("a"));
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        mount.Crash();
        Assert.Equal("data", File.ReadAllText(mount.BackingPath("g")));
        Assert.False(Directory.Exists(mount.BackingPath("a")));
    }

    [SkippableFact]
    public void A_durable_directory_moved_out_of_a_removed_directory_survives_unmount_with_its_contents()
    {
        using var mount = TestMount.Create();
        Directory.CreateDirectory(mount.Path("a/b"));
        using (var stream = new FileStream(mount.Path("a/b/f"), FileMode.CreateNew))
        {
            stream.Write("inner"u8);
            stream.Flush(flushToDisk: true);
        }
        BasicMountTests.FsyncDirectory(mount.Path("a/b"));
        BasicMountTests.FsyncDirectory(mount.Path("a"));
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        Directory.Move(mount.Path("a/b"), mount.Path("c"));
        Directory.Delete(mount.Path("a"));
        mount.FileSystem.Unmount();
        Assert.Equal("inner", File.ReadAllText(mount.BackingPath("c/f")));
        Assert.Equal(["c"], Directory.GetFileSystemEntries(mount.Backing).Select(Path.GetFileName));
    }

    [SkippableFact]
    public void A_durable_directory_moved_out_of_a_removed_directory_keeps_its_contents_through_a_crash()
    {
        using var mount = TestMount.Create(prepareBacking: backing =>
        {
            Directory.CreateDirectory(Path.Combine(backing, "a/b"));
            File.WriteAllText(Path.Combine(backing, "a/b/f"), "inner");
        });
        Directory.Move(mount.Path("a/b"), mount.Path("c"));
        Directory.Delete(mount.Path("a"));
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        mount.Crash();
        Assert.Equal("inner", File.ReadAllText(mount.BackingPath("c/f")));
        Assert.False(Directory.Exists(mount.BackingPath("a")));
    }
}
