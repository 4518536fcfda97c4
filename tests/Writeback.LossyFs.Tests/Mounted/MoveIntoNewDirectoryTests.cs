namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>
/// Issue 16's two losses: a durable file or directory moved into a directory that is not durable
/// yet, then an fsync that makes the move durable in one directory only. The rule of
/// docs/lossyfs.md: every object that had a durable name keeps one (its old name, or its new name
/// with the new directory chain made durable, as a journal commits the mkdir with the rename).
/// </summary>
public sealed class MoveIntoNewDirectoryTests
{
    private static TestMount WithDurable(params string[] paths) => TestMount.Create(prepareBacking: backing =>
    {
        foreach (string path in paths)
        {
            string full = Path.Combine(backing, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, "DATA");
        }
    });

    /// <summary>Every path under the backing directory that holds a file with DATA.</summary>
    private static List<string> FilesWithData(TestMount mount) =>
        Directory.EnumerateFiles(mount.Backing, "*", SearchOption.AllDirectories)
            .Where(path => File.ReadAllText(path) == "DATA")
            .Select(path => Path.GetRelativePath(mount.Backing, path))
            .Order(StringComparer.Ordinal)
            .ToList();

    [SkippableFact]
    public void A_durable_directory_moved_into_a_new_directory_survives_fsync_of_the_new_directory()
    {
        using TestMount mount = WithDurable("c/f");
        Directory.CreateDirectory(mount.Path("a"));
        Directory.Move(mount.Path("c"), mount.Path("a/c"));
        BasicMountTests.FsyncDirectory(mount.Path("a"));
        mount.Crash();
        Assert.Equal(["a/c/f"], FilesWithData(mount));
    }

    [SkippableFact]
    public void A_durable_directory_moved_two_new_levels_deep_survives_fsync_of_the_innermost_new_directory()
    {
        using TestMount mount = WithDurable("x/c/f");
        Directory.CreateDirectory(mount.Path("n/m"));
        Directory.Move(mount.Path("x/c"), mount.Path("n/m/c"));
        BasicMountTests.FsyncDirectory(mount.Path("n/m"));
        mount.Crash();
        Assert.Equal(["n/m/c/f"], FilesWithData(mount));
        Assert.True(Directory.Exists(mount.BackingPath("x")));
    }

    [SkippableFact]
    public void A_durable_file_moved_into_a_new_directory_survives_fsync_of_its_old_directory()
    {
        using TestMount mount = WithDurable("x/f");
        Directory.CreateDirectory(mount.Path("n"));
        File.Move(mount.Path("x/f"), mount.Path("n/f"));
        BasicMountTests.FsyncDirectory(mount.Path("x"));
        mount.Crash();
        Assert.Equal(["n/f"], FilesWithData(mount));
    }

    [SkippableFact]
    public void A_durable_file_moved_into_a_new_directory_survives_fsync_of_the_new_then_the_old_directory()
    {
        using TestMount mount = WithDurable("x/f");
        Directory.CreateDirectory(mount.Path("n"));
        File.Move(mount.Path("x/f"), mount.Path("n/f"));
        BasicMountTests.FsyncDirectory(mount.Path("n"));
        BasicMountTests.FsyncDirectory(mount.Path("x"));
        mount.Crash();
        Assert.Equal(["n/f"], FilesWithData(mount));
    }

    [SkippableFact]
    public void A_durable_file_moved_two_new_levels_deep_survives_fsync_of_its_old_directory()
    {
        using TestMount mount = WithDurable("x/f");
        Directory.CreateDirectory(mount.Path("n/m"));
        File.Move(mount.Path("x/f"), mount.Path("n/m/f"));
        BasicMountTests.FsyncDirectory(mount.Path("n/m"));
        BasicMountTests.FsyncDirectory(mount.Path("x"));
        mount.Crash();
        Assert.Equal(["n/m/f"], FilesWithData(mount));
    }

    [SkippableFact]
    public void A_durable_file_moved_into_a_new_directory_keeps_its_old_name_when_only_the_new_directory_is_fsynced()
    {
        using TestMount mount = WithDurable("x/f");
        Directory.CreateDirectory(mount.Path("n"));
        File.Move(mount.Path("x/f"), mount.Path("n/f"));
        BasicMountTests.FsyncDirectory(mount.Path("n"));
        mount.Crash();
        Assert.Equal(["x/f"], FilesWithData(mount));
    }

    [SkippableFact]
    public void Exchanged_durable_directories_keep_their_contents_after_fsync_of_one_parent()
    {
        using TestMount mount = WithDurable("p/d/f", "q/e/g");
        Assert.Equal(0, Native.renameat2(Native.AT_FDCWD, mount.Path("p/d"), Native.AT_FDCWD, mount.Path("q/e"), Native.RENAME_EXCHANGE));
        BasicMountTests.FsyncDirectory(mount.Path("p"));
        mount.Crash();
        List<string> files = FilesWithData(mount);
        Assert.Equal(2, files.Count);
        Assert.Contains(files, path => path.EndsWith("/f", StringComparison.Ordinal));
        Assert.Contains(files, path => path.EndsWith("/g", StringComparison.Ordinal));
    }
}
