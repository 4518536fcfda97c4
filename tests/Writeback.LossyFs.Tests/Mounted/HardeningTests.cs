using System.Diagnostics;
using System.Runtime.InteropServices;
using Writeback.LossyFs.Control;

namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>Each test here failed before its fix (issue 8, "Hardening").</summary>
public sealed class HardeningTests
{
    [SkippableFact]
    public void Names_over_255_bytes_are_refused_with_ENAMETOOLONG_and_255_bytes_work()
    {
        using var mount = TestMount.Create();
        string longest = new('n', 255), tooLong = new('n', 256);
        File.WriteAllText(mount.Path(longest), "ok");
        Assert.Equal(-1, Native.open(mount.Path(tooLong), Native.O_CREAT | Native.O_RDWR, 0x1A4));
        Assert.Equal(36, Interop.LastErrno); // ENAMETOOLONG
        Assert.Equal(-1, Native.mkdir(mount.Path(tooLong), 0x1ED));
        Assert.Equal(36, Interop.LastErrno);
        Assert.Equal(-1, Native.renameat2(Native.AT_FDCWD, mount.Path(longest), Native.AT_FDCWD, mount.Path(tooLong), 0));
        Assert.Equal(36, Interop.LastErrno);
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        mount.FileSystem.Unmount();
        Assert.Equal("ok", File.ReadAllText(mount.BackingPath(longest)));
    }

    [SkippableFact]
    public void A_hard_link_named_like_the_hidden_area_is_refused_and_the_root_stays_fsyncable()
    {
        using var mount = TestMount.Create();
        File.WriteAllText(mount.Path("f"), "f");
        Assert.Equal(-1, Native.link(mount.Path("f"), mount.Path(".lossyfs-volatile")));
        Assert.Equal(1, Interop.LastErrno); // EPERM
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
    }

    [SkippableFact]
    public void Only_the_callers_umask_applies_to_new_files_and_directories()
    {
        using var mount = TestMount.Create();
        // The serving process (this test host) keeps its own umask (022 here); the caller's is 000.
        Run("sh", "-c", $"umask 000 && touch '{mount.Path("f")}' && mkdir '{mount.Path("d")}'");
        Assert.Equal("666", Stat("%a", mount.Path("f")));
        Assert.Equal("777", Stat("%a", mount.Path("d")));
        Run("sh", "-c", $"umask 077 && touch '{mount.Path("g")}'");
        Assert.Equal("600", Stat("%a", mount.Path("g")));
    }

    [SkippableFact]
    public void A_set_group_id_directory_passes_on_its_group_and_to_subdirectories_its_bit()
    {
        using var mount = TestMount.Create();
        Directory.CreateDirectory(mount.Path("shared"));
        Run("chown", "0:100", mount.Path("shared"));
        Run("chmod", "2775", mount.Path("shared"));
        File.WriteAllText(mount.Path("shared/f"), "f");
        Directory.CreateDirectory(mount.Path("shared/sub"));
        Assert.Equal("100", Stat("%g", mount.Path("shared/f")));
        Assert.Equal("100", Stat("%g", mount.Path("shared/sub")));
        Assert.Equal("2", Stat("%a", mount.Path("shared/sub"))[..1]); // setgid inherited
    }

    [SkippableFact]
    public void A_sparse_file_reports_the_blocks_of_its_backing_file()
    {
        using var mount = TestMount.Create();
        using (var stream = new FileStream(mount.Path("sparse"), FileMode.CreateNew))
        {
            stream.Seek(64L << 20, SeekOrigin.Begin);
            stream.Write("x"u8);
            stream.Flush(flushToDisk: true);
        }
        long blocks = long.Parse(Stat("%b", mount.Path("sparse")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(blocks < 1024, $"a 64 MiB file with one written byte reports {blocks} blocks of 512 bytes");
    }

    [SkippableFact]
    public void Nobody_cannot_read_or_write_roots_0600_file_but_reads_a_0644_one()
    {
        Skip.If(Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv"), "needs root and setpriv to act as nobody");
        using var mount = TestMount.Create();
        Run("chmod", "755", mount.Root);
        File.WriteAllText(mount.Path("secret"), "secret");
        File.WriteAllText(mount.Path("public"), "public");
        Run("chmod", "600", mount.Path("secret"));
        Run("chmod", "644", mount.Path("public"));
        string[] asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c"];
        Assert.Equal("public", Run("setpriv", [.. asNobody, $"cat '{mount.Path("public")}'"]));
        Assert.Equal("denied", Run("setpriv", [.. asNobody, $"cat '{mount.Path("secret")}' 2>/dev/null || echo -n denied"]));
        Assert.Equal("denied", Run("setpriv", [.. asNobody, $"(echo x >> '{mount.Path("secret")}') 2>/dev/null || echo -n denied"]));
        Assert.Equal("secret", File.ReadAllText(mount.Path("secret")));
    }

    [SkippableFact]
    public void A_control_directory_planted_by_another_user_or_as_a_symbolic_link_is_refused()
    {
        Skip.If(!OperatingSystem.IsLinux());
        string root = Directory.CreateTempSubdirectory("lossyfs-private-").FullName;
        try
        {
            string fresh = Path.Combine(root, "fresh");
            uint uid = uint.Parse(Run("id", "-u").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            ControlPaths.EnsurePrivate(fresh, uid);
            Assert.Equal("700", Stat("%a", fresh));
            ControlPaths.EnsurePrivate(fresh, uid); // existing and private: accepted

            string planted = Directory.CreateDirectory(Path.Combine(root, "planted")).FullName;
            Run("chmod", "700", planted);
            Assert.Contains("owned by uid", Assert.Throws<IOException>(() => ControlPaths.EnsurePrivate(planted, uid + 1)).Message);

            string link = Path.Combine(root, "link");
            File.CreateSymbolicLink(link, fresh);
            Assert.Contains("not a directory", Assert.Throws<IOException>(() => ControlPaths.EnsurePrivate(link, uid)).Message);

            string open = Directory.CreateDirectory(Path.Combine(root, "open")).FullName;
            Run("chmod", "1777", open);
            Assert.Contains("mode", Assert.Throws<IOException>(() => ControlPaths.EnsurePrivate(open, uid)).Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Stat(string format, string path) => Run("stat", "-c", format, path).Trim();

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), $"{program} did not finish");
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed: {error}");
        return output;
    }
}
