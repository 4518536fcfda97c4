namespace Writeback.LossyFs.Tests.Mounted;

public sealed class ControlChannelTests
{
    [SkippableFact]
    public void The_client_reads_status_injects_faults_and_crashes_a_mount_through_its_socket()
    {
        using var mount = TestMount.Create(controlChannel: true);
        LossyFileSystem fileSystem = mount.FileSystem;
        string backing = mount.Backing, mountpoint = mount.Mountpoint;
        var client = new LossyFsClient(mountpoint, TimeSpan.FromSeconds(30));
        File.WriteAllText(Path.Combine(mountpoint, "f"), "abc");
        LossyFsStatus status = client.Status();
        Assert.Equal(Path.Combine(mount.Root, "mnt"), status.Mountpoint);
        Assert.Contains(status.PendingNames, name => name.Name == "f");
        client.InjectFault(new FaultSpec { Path = "/f", Operation = FaultOperation.Fsync, Errno = 5 });
        Assert.Single(client.Status().Faults);
        CrashResult crash = client.Crash(new CrashOptions());
        Assert.Equal(1, crash.FileCount);
        Assert.False(fileSystem.IsMounted);
        Assert.Empty(Directory.GetFileSystemEntries(backing));
        Assert.False(client.IsServing());
    }
}
