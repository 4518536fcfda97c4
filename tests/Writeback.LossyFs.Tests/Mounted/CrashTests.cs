namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>After a crash the backing directory holds exactly what was made durable: fsync for data, fsync of the directory for names.</summary>
public sealed class CrashTests
{
    private static void WriteAndFsync(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Create);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    private static string[] BackingNames(TestMount mount, string relative = "") =>
        [.. Directory.GetFileSystemEntries(Path.Combine(mount.Backing, relative)).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [SkippableFact]
    public void A_fsynced_file_without_a_fsynced_directory_is_lost_with_its_name()
    {
        using var mount = TestMount.Create();
        WriteAndFsync(mount.Path("orphan.txt"), "data");
        mount.Crash();
        Assert.Empty(BackingNames(mount));
    }

    [SkippableFact]
    public void An_unlink_that_was_not_made_durable_is_undone()
    {
        using var mount = TestMount.Create(prepareBacking: backing => File.WriteAllText(Path.Combine(backing, "keep.txt"), "old"));
        File.Delete(mount.Path("keep.txt"));
        Assert.False(File.Exists(mount.Path("keep.txt")));
        mount.Crash();
        Assert.Equal("old", File.ReadAllText(mount.BackingPath("keep.txt")));
    }

    [SkippableFact]
    public void A_durable_unlink_stays_done()
    {
        using var mount = TestMount.Create(prepareBacking: backing => File.WriteAllText(Path.Combine(backing, "gone.txt"), "old"));
        File.Delete(mount.Path("gone.txt"));
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        mount.Crash();
        Assert.Empty(BackingNames(mount));
    }

    [SkippableFact]
    public void A_rename_over_an_old_file_is_atomic_and_lost_without_fsync_of_the_directory()
    {
        using var mount = TestMount.Create(prepareBacking: backing => File.WriteAllText(Path.Combine(backing, "config"), "v1"));
        WriteAndFsync(mount.Path("config.tmp"), "v2");
        File.Move(mount.Path("config.tmp"), mount.Path("config"), overwrite: true);
        Assert.Equal("v2", File.ReadAllText(mount.Path("config")));
        mount.Crash();
        Assert.Equal(["config"], BackingNames(mount));
        Assert.Equal("v1", File.ReadAllText(mount.BackingPath("config")));
    }

    [SkippableFact]
    public void A_durable_rename_replaces_the_old_file()
    {
        using var mount = TestMount.Create(prepareBacking: backing => File.WriteAllText(Path.Combine(backing, "config"), "v1"));
        WriteAndFsync(mount.Path("config.tmp"), "v2");
        File.Move(mount.Path("config.tmp"), mount.Path("config"), overwrite: true);
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        mount.Crash();
        Assert.Equal(["config"], BackingNames(mount));
        Assert.Equal("v2", File.ReadAllText(mount.BackingPath("config")));
    }

    [SkippableFact]
    public void Data_written_after_the_last_fsync_is_lost_and_an_unsynced_truncate_is_undone()
    {
        using var mount = TestMount.Create(prepareBacking: backing => File.WriteAllText(Path.Combine(backing, "log"), "0123456789"));
        using (var stream = new FileStream(mount.Path("log"), FileMode.Open))
        {
            stream.Position = 2;
            stream.Write("ab"u8);
            stream.Flush(flushToDisk: true);
            stream.Write("cd"u8);
            stream.Flush();
            stream.SetLength(3);
        }
        Assert.Equal("01a", File.ReadAllText(mount.Path("log")));
        mount.Crash();
        Assert.Equal("01ab456789", File.ReadAllText(mount.BackingPath("log")));
    }

    [SkippableFact]
    public void A_new_directory_tree_becomes_durable_level_by_level()
    {
        using var mount = TestMount.Create();
        Directory.CreateDirectory(mount.Path("a/b"));
        WriteAndFsync(mount.Path("a/b/file"), "x");
        BasicMountTests.FsyncDirectory(mount.Path("a/b"));
        BasicMountTests.FsyncDirectory(mount.Path("a"));
        // The root was never fsynced: "a" is not durable, so nothing under it is reachable.
        mount.Crash();
        Assert.Empty(BackingNames(mount));
    }

    [SkippableFact]
    public void A_new_directory_tree_fsynced_at_every_level_survives()
    {
        using var mount = TestMount.Create();
        Directory.CreateDirectory(mount.Path("a/b"));
        WriteAndFsync(mount.Path("a/b/file"), "x");
        BasicMountTests.FsyncDirectory(mount.Path("a/b"));
        BasicMountTests.FsyncDirectory(mount.Path("a"));
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        mount.Crash();
        Assert.Equal("x", File.ReadAllText(mount.BackingPath("a/b/file")));
    }

    [SkippableFact]
    public void Names_durable_immediately_applies_creates_and_renames_at_once_like_LazyFS()
    {
        using var mount = TestMount.Create(namesDurableImmediately: true);
        WriteAndFsync(mount.Path("f"), "synced");
        File.WriteAllText(mount.Path("g"), "never synced");
        File.Move(mount.Path("f"), mount.Path("h"));
        mount.Crash();
        Assert.Equal(["g", "h"], BackingNames(mount));
        Assert.Equal("synced", File.ReadAllText(mount.BackingPath("h")));
        Assert.Equal("", File.ReadAllText(mount.BackingPath("g")));
    }

    [SkippableFact]
    public void Status_reports_unsynced_ranges_and_pending_names_and_memory_is_the_unsynced_bytes_plus_page_rounding()
    {
        using var mount = TestMount.Create(prepareBacking: backing => File.WriteAllBytes(Path.Combine(backing, "big"), new byte[1 << 20]));
        using (var stream = new FileStream(mount.Path("big"), FileMode.Open))
        {
            stream.Position = 8192;
            stream.Write(new byte[100_000].AsSpan().ToArray().Select(_ => (byte)1).ToArray());
        }
        File.WriteAllText(mount.Path("new"), "n");
        LossyFsStatus status = mount.FileSystem.Status();
        UnsyncedFile big = Assert.Single(status.Files, file => file.Path == "/big");
        // The kernel writes back whole pages: the range covers the written bytes, rounded to pages.
        Assert.Equal(8192, big.UnsyncedRanges[0].OffsetBytes);
        Assert.InRange(big.UnsyncedRanges.Sum(range => range.LengthBytes), 100_000, 100_000 + 4096);
        Assert.InRange(status.HeldBytes - status.UnsyncedBytes, 0, 4096 * status.Files.Sum(file => file.UnsyncedRanges.Count));
        Assert.Contains(status.PendingNames, name => name.Directory == "/" && name.Name == "new" && name.Change == NameChange.Created);
    }

    [SkippableFact]
    public void A_random_crash_with_the_same_seed_keeps_the_same_bytes()
    {
        byte[] Run(ulong seed)
        {
            using var mount = TestMount.Create(prepareBacking: backing => File.WriteAllBytes(Path.Combine(backing, "f"), new byte[65536]));
            using (var stream = new FileStream(mount.Path("f"), FileMode.Open))
            {
                stream.Write(Enumerable.Repeat((byte)0xAB, 65536).ToArray());
            }
            CrashResult result = mount.Crash(new CrashOptions { Keep = CrashKeep.Random, Seed = seed, AtomicWriteBytes = 512 });
            Assert.Equal(65536, result.KeptBytes + result.DroppedBytes);
            Assert.Equal(0, result.KeptBytes % 512);
            return File.ReadAllBytes(mount.BackingPath("f"));
        }
        byte[] first = Run(42), second = Run(42), other = Run(43);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Contains(first, b => b == 0xAB);
        Assert.Contains(first, b => b == 0);
    }
}
