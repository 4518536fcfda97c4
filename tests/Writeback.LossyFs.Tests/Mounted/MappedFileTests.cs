using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.Tests.Programs;

namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>
/// Shared writable mappings on the mount, through the library's MappedFile: flushes reach the backing
/// file, failures poison. The mapping runs in a child process (<see cref="MappedWorkloads"/>): this
/// process serves the mount, and mapping its files here can deadlock on the mmap lock (docs/lossyfs.md,
/// "Do not map files of a mount in the process that serves it").
/// </summary>
public sealed class MappedFileTests
{
    [SkippableFact]
    public void A_flushed_range_survives_a_crash_and_an_unflushed_page_does_not()
    {
        using var mount = TestMount.Create();
        using (var child = MappedWorkloadChild.Start(MappedWorkloads.FlushedRange, mount.Mountpoint, mount))
        {
            child.Succeeded("flush-file");
            child.Succeeded("flush-first-page");
            Assert.Equal("flushed"u8.ToArray(), child.Next("read").Data);
            child.AtPause("crash", () => mount.Crash()); // while the child still maps the file
            child.Finish();
        }
        byte[] image = File.ReadAllBytes(mount.BackingPath("m.bin"));
        Assert.Equal(4 * 4096, image.Length);
        Assert.Equal("flushed"u8.ToArray(), image[..7]);
        Assert.All(image[(3 * 4096)..], b => Assert.Equal(0, b));
    }

    [SkippableFact]
    public void Mapped_writes_read_back_the_same_as_on_a_plain_directory()
    {
        using var mount = TestMount.Create();
        using var plain = new ScratchDirectory("lossyfs-plain");
        byte[] Exercise(string directory)
        {
            using (var child = MappedWorkloadChild.Start(MappedWorkloads.GrowAndShrink, directory, mount))
            {
                child.Succeeded("exercise");
                child.Finish();
            }
            return File.ReadAllBytes(Path.Combine(directory, "data"));
        }
        Assert.Equal(Exercise(plain.Path), Exercise(mount.Mountpoint));
    }

    [SkippableFact]
    public void An_injected_EIO_on_writeback_makes_Flush_throw_and_every_later_flush_too()
    {
        using var mount = TestMount.Create();
        using var child = MappedWorkloadChild.Start(MappedWorkloads.PoisonedFlush, mount.Mountpoint, mount);
        child.Succeeded("flush-file");
        child.AtPause("inject", () =>
            mount.FileSystem.InjectFault(new FaultSpec { Path = "/poison.bin", Operation = FaultOperation.Write, Errno = 5, Count = 1 }));

        WorkloadStep first = child.Threw<WritebackException>("first-flush");
        Assert.Equal(5, first.Errno);
        // The fault is spent, and the kernel may have marked the pages clean: the file must stay poisoned.
        child.AtPause("check-faults", () => Assert.DoesNotContain(mount.FileSystem.Status().Faults, fault => fault.Count > 0));
        WorkloadStep second = child.Threw<WritebackException>("second-flush");
        Assert.Equal(5, second.Errno);
        child.Threw<WritebackException>("flush-file-again");
        child.Finish();
    }

    [SkippableFact]
    public void An_injected_ENOSPC_fails_write_back_and_fsync_with_ENOSPC()
    {
        using var mount = TestMount.Create();
        mount.FileSystem.InjectFault(new FaultSpec { Path = "full.bin", Operation = FaultOperation.Write, Errno = 28, StartOffsetBytes = 4096, EndOffsetBytes = 8192 });
        using (SafeFileHandle stream = File.OpenHandle(mount.Path("full.bin"), FileMode.Create, FileAccess.ReadWrite))
        {
            int streamFd = (int)stream.DangerousGetHandle();
            RandomAccess.Write(stream, new byte[4096], 0);
            Assert.Equal(0, Native.fsync(streamFd)); // the first page is outside the faulty range
            RandomAccess.Write(stream, new byte[4096], 4096);
            // FileStream.Flush(true) is not used: it did not surface this fsync error in .NET 10.
            Assert.Equal(-1, Native.fsync(streamFd));
            Assert.Equal(28, Interop.LastErrno);
        }
        mount.FileSystem.ClearFaults();
        mount.FileSystem.InjectFault(new FaultSpec { Path = "/full.bin", Operation = FaultOperation.Fsync, Errno = 28, Count = 1 });
        using SafeFileHandle handle = File.OpenHandle(mount.Path("full.bin"), FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(handle, "x"u8, 0);
        int fd = (int)handle.DangerousGetHandle();
        Assert.Equal(-1, Native.fsync(fd));
        Assert.Equal(28, Interop.LastErrno);
    }
}
