using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs.Tests.Mounted;

public sealed class BasicMountTests
{
    [SkippableFact]
    public void Files_can_be_created_written_read_and_listed()
    {
        using var mount = TestMount.Create();
        File.WriteAllText(mount.Path("a.txt"), "hello");
        Directory.CreateDirectory(mount.Path("sub"));
        File.WriteAllBytes(mount.Path("sub/b.bin"), [1, 2, 3]);

        Assert.Equal("hello", File.ReadAllText(mount.Path("a.txt")));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(mount.Path("sub/b.bin")));
        Assert.Equal(["a.txt", "sub"], Directory.GetFileSystemEntries(mount.Mountpoint).Select(Path.GetFileName).Order());
        Assert.Equal(5, new FileInfo(mount.Path("a.txt")).Length);
    }

    [SkippableFact]
    public void Crash_keeps_fsynced_data_and_names_and_drops_the_rest()
    {
        using var mount = TestMount.Create();
        using (var synced = new FileStream(mount.Path("synced.bin"), FileMode.CreateNew))
        {
            synced.Write("durable"u8);
            synced.Flush(flushToDisk: true);
        }
        FsyncDirectory(mount.Mountpoint);
        File.WriteAllText(mount.Path("unsynced.txt"), "lost");
        using (var more = new FileStream(mount.Path("synced.bin"), FileMode.Append))
        {
            more.Write(" and not"u8);
        }

        CrashResult result = mount.Crash();

        Assert.False(mount.FileSystem.IsMounted);
        Assert.Equal("durable", File.ReadAllText(mount.BackingPath("synced.bin")));
        Assert.False(File.Exists(mount.BackingPath("unsynced.txt")));
        Assert.True(result.DroppedBytes > 0);
        Assert.Equal(["synced.bin"], Directory.GetFileSystemEntries(mount.Backing).Select(Path.GetFileName));
    }

    [SkippableFact]
    public void A_clean_unmount_makes_everything_durable()
    {
        using var mount = TestMount.Create();
        Directory.CreateDirectory(mount.Path("d"));
        File.WriteAllText(mount.Path("d/f"), "kept at shutdown");
        mount.FileSystem.Unmount();
        Assert.False(mount.FileSystem.IsMounted);
        Assert.Equal("kept at shutdown", File.ReadAllText(mount.BackingPath("d/f")));
        Assert.Equal(["d"], Directory.GetFileSystemEntries(mount.Backing).Select(Path.GetFileName));
    }

    [SkippableFact]
    public void Dispose_of_a_busy_mount_still_unmounts_and_keeps_the_kernels_dirty_pages()
    {
        var mount = TestMount.Create();
        SafeFileHandle handle = File.OpenHandle(mount.Path("open"), FileMode.CreateNew, FileAccess.ReadWrite);
        try
        {
            RandomAccess.Write(handle, "written, never synced"u8, 0);
            Assert.ThrowsAny<IOException>(mount.FileSystem.Unmount); // EBUSY: a file is open
            Assert.True(mount.FileSystem.IsMounted);
            mount.FileSystem.Dispose();
            Assert.False(mount.FileSystem.IsMounted);
            Assert.Equal("written, never synced", File.ReadAllText(mount.BackingPath("open")));
        }
        finally
        {
            handle.Dispose();
            mount.Dispose();
        }
    }

    internal static void FsyncDirectory(string path)
    {
        int fd = Native.open(path, 0x10000 /* O_DIRECTORY */);
        Assert.True(fd >= 0, $"open({path}) failed");
        try
        {
            Assert.Equal(0, Native.fsync(fd));
        }
        finally
        {
            Native.close(fd);
        }
    }
}
