namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>Shared writable mappings on the mount, through the library's MappedFile: flushes reach the backing file, failures poison.</summary>
public sealed class MappedFileTests
{
    [SkippableFact]
    public void A_flushed_range_survives_a_crash_and_an_unflushed_page_does_not()
    {
        using var mount = TestMount.Create();
        using (var file = MappedFile.Open(mount.Path("m.bin"), new MappedFileOptions { Length = 4 * 4096 }))
        {
            file.FlushFile(); // the file's length and (with the fsync of the directory) its name are durable
            BasicMountTests.FsyncDirectory(mount.Mountpoint);
            "flushed"u8.CopyTo(file.GetSpan(0, 7));
            file.Flush(0, 4096);
            "not flushed"u8.CopyTo(file.GetSpan(3 * 4096, 11));
            byte[] read = new byte[7];
            file.Read(0, read);
            Assert.Equal("flushed"u8.ToArray(), read);
            mount.Crash();
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
        string plain = Directory.CreateTempSubdirectory("lossyfs-plain-").FullName;
        try
        {
            byte[] Exercise(string directory)
            {
                var storage = new DirectoryStorage(directory);
                using (var file = storage.Open("data", new MappedFileOptions { Length = 10_000, MaxLength = 1 << 20 }))
                {
                    file.Write(0, "head"u8);
                    file.SetLength(70_000);
                    file.Write(65_000, "grown"u8);
                    file.Flush();
                    file.SetLength(65_003);
                    file.FlushFile();
                }
                storage.FlushDirectory();
                return File.ReadAllBytes(Path.Combine(directory, "data"));
            }
            Assert.Equal(Exercise(plain), Exercise(mount.Mountpoint));
        }
        finally
        {
            Directory.Delete(plain, recursive: true);
        }
    }

    [SkippableFact]
    public void An_injected_EIO_on_writeback_makes_Flush_throw_and_every_later_flush_too()
    {
        using var mount = TestMount.Create();
        using var file = MappedFile.Open(mount.Path("poison.bin"), new MappedFileOptions { Length = 8192 });
        file.FlushFile();
        mount.FileSystem.InjectFault(new FaultSpec { Path = "/poison.bin", Operation = FaultOperation.Write, Errno = 5, Count = 1 });
        "doomed"u8.CopyTo(file.GetSpan(0, 6));

        var first = Assert.Throws<WritebackException>(() => file.Flush(0, 4096));
        Assert.Equal(5, first.Errno);
        // The fault is spent, and the kernel may have marked the pages clean: the file must stay poisoned.
        Assert.DoesNotContain(mount.FileSystem.Status().Faults, fault => fault.Count > 0);
        var second = Assert.Throws<WritebackException>(() => file.Flush(0, 4096));
        Assert.Equal(5, second.Errno);
        Assert.Throws<WritebackException>(file.FlushFile);
    }

    [SkippableFact]
    public void An_injected_ENOSPC_fails_write_back_and_fsync_with_ENOSPC()
    {
        using var mount = TestMount.Create();
        mount.FileSystem.InjectFault(new FaultSpec { Path = "full.bin", Operation = FaultOperation.Write, Errno = 28, StartOffsetBytes = 4096, EndOffsetBytes = 8192 });
        using (var stream = File.OpenHandle(mount.Path("full.bin"), FileMode.Create, FileAccess.ReadWrite))
        {
            int streamFd = (int)stream.DangerousGetHandle();
            RandomAccess.Write(stream, new byte[4096], 0);
            Assert.Equal(0, Native.fsync(streamFd)); // the first page is outside the faulty range
            RandomAccess.Write(stream, new byte[4096], 4096);
            // FileStream.Flush(true) is not used: it did not surface this fsync error in .NET 10.
            Assert.Equal(-1, Native.fsync(streamFd));
            Assert.Equal(28, System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
        }
        mount.FileSystem.ClearFaults();
        mount.FileSystem.InjectFault(new FaultSpec { Path = "/full.bin", Operation = FaultOperation.Fsync, Errno = 28, Count = 1 });
        using var handle = File.OpenHandle(mount.Path("full.bin"), FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(handle, "x"u8, 0);
        int fd = (int)handle.DangerousGetHandle();
        Assert.Equal(-1, Native.fsync(fd));
        Assert.Equal(28, System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
    }
}
