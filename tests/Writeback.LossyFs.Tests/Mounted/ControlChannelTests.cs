namespace Writeback.LossyFs.Tests.Mounted;

public sealed class ControlChannelTests
{
    [SkippableFact]
    public void The_client_reads_status_injects_faults_and_crashes_a_mount_through_its_socket()
    {
        string? reason = TestMount.Unavailable();
        Skip.If(reason is not null, reason);
        string root = Directory.CreateTempSubdirectory("lossyfs-control-").FullName;
        string backing = Directory.CreateDirectory(Path.Combine(root, "b")).FullName;
        string mountpoint = Directory.CreateDirectory(Path.Combine(root, "m")).FullName;
        try
        {
            using var fileSystem = LossyFileSystem.Mount(new LossyFsOptions { BackingDirectory = backing, Mountpoint = mountpoint });
            var client = new LossyFsClient(mountpoint, TimeSpan.FromSeconds(30));
            File.WriteAllText(Path.Combine(mountpoint, "f"), "abc");
            var status = client.Status();
            Assert.Equal(mountpoint, status.Mountpoint);
            Assert.Contains(status.PendingNames, name => name.Name == "f");
            client.InjectFault(new FaultSpec { Path = "/f", Operation = FaultOperation.Fsync, Errno = 5 });
            Assert.Single(client.Status().Faults);
            var crash = client.Crash(new CrashOptions());
            Assert.Equal(1, crash.FileCount);
            Assert.False(fileSystem.IsMounted);
            Assert.Empty(Directory.GetFileSystemEntries(backing));
            Assert.False(client.IsServing());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
