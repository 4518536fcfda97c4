using Writeback.Cli.Commands.LossyFs;
using Writeback.LossyFs;

namespace Writeback.Cli.Tests;

/// <summary>The lossyfs commands against a real mount served in this process: crash, then unmount; status output of hostile names.</summary>
public sealed class LossyFsMountedCommandTests
{
    private static string? Unavailable() =>
        !OperatingSystem.IsLinux() ? "LossyFs is Linux-only"
        : !File.Exists("/dev/fuse") ? "/dev/fuse is missing"
        : Environment.UserName != "root" ? "mounting in-process needs root"
        : null;

    [SkippableFact]
    public void Unmount_after_crash_exits_0_and_says_the_mount_is_already_gone()
    {
        string? reason = Unavailable();
        Skip.If(reason is not null, reason);
        string root = Directory.CreateTempSubdirectory("lossyfs-test-cli-").FullName;
        string backing = Directory.CreateDirectory(Path.Combine(root, "backing")).FullName;
        string mountpoint = Directory.CreateDirectory(Path.Combine(root, "mnt")).FullName;
        var fileSystem = LossyFileSystem.Mount(new LossyFsOptions { BackingDirectory = backing, Mountpoint = mountpoint, Log = _ => { } });
        try
        {
            var crash = CliRun.Of("lossyfs", "crash", mountpoint);
            Assert.True(crash.ExitCode == 0, crash.ToString());
            Assert.Contains("now the bare directory", crash.Console + crash.StandardOutput);
            var unmount = CliRun.Of("lossyfs", "unmount", mountpoint);
            Assert.True(unmount.ExitCode == 0, unmount.ToString());
            Assert.Contains("already gone", unmount.Console + unmount.StandardOutput);
            // Said once: a second unmount finds no mount, as on a directory never mounted.
            Assert.Equal(1, CliRun.Of("lossyfs", "unmount", mountpoint).ExitCode);
        }
        finally
        {
            fileSystem.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("\u001b[2Jx", "\\u001b[2Jx")]
    [InlineData("tab\there", "tab\\there")]
    [InlineData("back\\slash", "back\\\\slash")]
    public void Status_shows_control_characters_in_names_escaped(string name, string shown)
    {
        Assert.Equal(shown, LossyFsStatusCommand.Printable(name));
    }
}
