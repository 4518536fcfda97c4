using Writeback.LossyFs.Fuse;

namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>A mount whose server is gone (killed): recognised, cleared by unmount, and mounted over at once.</summary>
public sealed class DeadMountTests
{
    [SkippableFact]
    public void A_mount_whose_connection_died_after_use_is_dead_although_the_kernel_caches_its_attributes()
    {
        using var mount = TestMount.Create(controlChannel: true);
        File.WriteAllText(mount.Path("f"), "x");
        Assert.True(Directory.Exists(mount.Mountpoint)); // the root's attributes are now cached (60 s)
        FuseMount.Abort(FuseMount.ConnectionId(mount.Mountpoint)!.Value);
        Assert.True(mount.FileSystem.Completion.Wait(TimeSpan.FromSeconds(20)));
        var client = new LossyFsClient(mount.Mountpoint, TimeSpan.FromSeconds(10));
        Assert.True(client.IsDeadMount());
        Assert.Contains("is dead", Assert.Throws<IOException>(() => client.Status()).Message);
        Assert.True(client.Unmount());
        Assert.False(FuseMount.IsMounted(mount.Mountpoint));
    }

    [SkippableFact]
    public void A_dead_mount_is_reported_cleared_by_unmount_and_a_new_mount_works_at_once()
    {
        string? reason = TestMount.Unavailable();
        Skip.If(reason is not null, reason);
        Skip.If(Environment.UserName != "root", "makes a bare FUSE mount with mount(2)");
        string root = Directory.CreateTempSubdirectory("lossyfs-dead-").FullName;
        string backing = Directory.CreateDirectory(Path.Combine(root, "backing")).FullName;
        string mountpoint = Directory.CreateDirectory(Path.Combine(root, "mnt")).FullName;
        try
        {
            // What kill -9 of a server leaves: the mount, with the last /dev/fuse descriptor closed.
            FuseMount.Mount(mountpoint).Dispose();
            var client = new LossyFsClient(mountpoint, TimeSpan.FromSeconds(10));
            Assert.True(client.IsDeadMount());
            Assert.Contains("is dead", Assert.Throws<IOException>(() => client.Status()).Message);
            Assert.Contains("is dead", Assert.Throws<IOException>(() => client.Crash()).Message);
            Assert.True(client.Unmount());
            Assert.False(FuseMount.IsMounted(mountpoint));
            Assert.Contains("no LossyFs is mounted", Assert.Throws<IOException>(() => client.Unmount()).Message);

            FuseMount.Mount(mountpoint).Dispose();
            using (var fileSystem = LossyFileSystem.Mount(new LossyFsOptions { BackingDirectory = backing, Mountpoint = mountpoint, Log = _ => { } }))
            {
                File.WriteAllText(Path.Combine(mountpoint, "f"), "after");
                fileSystem.Unmount();
            }
            Assert.Equal("after", File.ReadAllText(Path.Combine(backing, "f")));
        }
        finally
        {
            if (FuseMount.IsMounted(mountpoint))
            {
                FuseMount.Detach(mountpoint);
            }
            Directory.Delete(root, recursive: true);
        }
    }
}
