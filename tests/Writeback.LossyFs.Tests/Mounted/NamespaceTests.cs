using System.Runtime.InteropServices;

namespace Writeback.LossyFs.Tests.Mounted;

public sealed class NamespaceTests
{
    [SkippableFact]
    public void Rename2_noreplace_refuses_an_existing_target_and_exchange_swaps_atomically()
    {
        using var mount = TestMount.Create();
        File.WriteAllText(mount.Path("a"), "A");
        File.WriteAllText(mount.Path("b"), "B");
        Assert.Equal(-1, Native.renameat2(Native.AT_FDCWD, mount.Path("a"), Native.AT_FDCWD, mount.Path("b"), Native.RENAME_NOREPLACE));
        Assert.Equal(17, Interop.LastErrno); // EEXIST
        Assert.Equal(0, Native.renameat2(Native.AT_FDCWD, mount.Path("a"), Native.AT_FDCWD, mount.Path("b"), Native.RENAME_EXCHANGE));
        Assert.Equal("B", File.ReadAllText(mount.Path("a")));
        Assert.Equal("A", File.ReadAllText(mount.Path("b")));
        Assert.Equal(0, Native.renameat2(Native.AT_FDCWD, mount.Path("a"), Native.AT_FDCWD, mount.Path("c"), Native.RENAME_NOREPLACE));
        Assert.Equal(["b", "c"], Directory.GetFiles(mount.Mountpoint).Select(Path.GetFileName).Order());
    }

    [SkippableFact]
    public void Hard_links_share_data_and_each_name_needs_its_own_directory_fsync()
    {
        using var mount = TestMount.Create();
        Directory.CreateDirectory(mount.Path("d"));
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        using (var stream = new FileStream(mount.Path("first"), FileMode.CreateNew))
        {
            stream.Write("shared"u8);
            stream.Flush(flushToDisk: true);
        }
        Assert.Equal(0, Native.link(mount.Path("first"), mount.Path("d/second")));
        File.AppendAllText(mount.Path("d/second"), "+");
        Assert.Equal("shared+", File.ReadAllText(mount.Path("first")));
        BasicMountTests.FsyncDirectory(mount.Path("d"));
        mount.Crash();
        Assert.False(File.Exists(mount.BackingPath("first")));
        Assert.Equal("shared", File.ReadAllText(mount.BackingPath("d/second")));
    }

    [SkippableFact]
    public void A_symbolic_link_is_durable_after_fsync_of_its_directory()
    {
        using var mount = TestMount.Create();
        File.CreateSymbolicLink(mount.Path("kept"), "target-1");
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        File.CreateSymbolicLink(mount.Path("lost"), "target-2");
        Assert.Equal("target-2", new FileInfo(mount.Path("lost")).LinkTarget);
        mount.Crash();
        Assert.Equal("target-1", new FileInfo(mount.BackingPath("kept")).LinkTarget);
        Assert.False(Path.Exists(mount.BackingPath("lost")));
    }

    [SkippableFact]
    public void A_renamed_directory_keeps_its_contents_and_the_hidden_area_never_shows()
    {
        using var mount = TestMount.Create(prepareBacking: backing =>
        {
            Directory.CreateDirectory(Path.Combine(backing, "old/inner"));
            File.WriteAllText(Path.Combine(backing, "old/inner/f"), "content");
        });
        Directory.Move(mount.Path("old"), mount.Path("new"));
        Assert.Equal("content", File.ReadAllText(mount.Path("new/inner/f")));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(mount.Mountpoint), entry => Path.GetFileName(entry).Contains("lossyfs", StringComparison.Ordinal));
        Assert.Throws<UnauthorizedAccessException>(() => File.WriteAllText(mount.Path(".lossyfs-volatile"), "x"));
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        mount.Crash();
        Assert.Equal("content", File.ReadAllText(mount.BackingPath("new/inner/f")));
        Assert.False(Directory.Exists(mount.BackingPath("old")));
        Assert.False(Directory.Exists(mount.BackingPath(".lossyfs-volatile")));
    }

    [SkippableFact]
    public void A_removed_directory_comes_back_with_its_files_when_the_parent_was_not_fsynced()
    {
        using var mount = TestMount.Create(prepareBacking: backing =>
        {
            Directory.CreateDirectory(Path.Combine(backing, "dir"));
            File.WriteAllText(Path.Combine(backing, "dir/f"), "f");
        });
        File.Delete(mount.Path("dir/f"));
        BasicMountTests.FsyncDirectory(mount.Path("dir"));
        Directory.Delete(mount.Path("dir"));
        mount.Crash();
        // The unlink of f was made durable, the rmdir of dir was not.
        Assert.True(Directory.Exists(mount.BackingPath("dir")));
        Assert.Empty(Directory.GetFileSystemEntries(mount.BackingPath("dir")));
    }
}
