namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>status counts as unsynced only the bytes a crash would lose.</summary>
public sealed class StatusCountTests
{
    [SkippableFact]
    public void Bytes_rewritten_with_their_durable_value_are_not_unsynced_and_changed_ones_are()
    {
        using var mount = TestMount.Create(prepareBacking: backing => File.WriteAllBytes(Path.Combine(backing, "f"), new byte[192]));
        byte[] content = [.. Enumerable.Range(0, 192).Select(index => (byte)index)];
        using (var stream = new FileStream(mount.Path("f"), FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
            stream.Position = 0;
            stream.Write(content); // the same bytes again
            stream.Flush(flushToDisk: false);
        }
        using (var stream = new FileStream(mount.Path("f"), FileMode.Open, FileAccess.Read))
        {
            // Closing wrote the kernel's pages back to LossyFs (the writeback cache); status sees them now.
            LossyFsStatus status = mount.FileSystem.Status();
            Assert.Equal(0, status.UnsyncedBytes);
            Assert.Empty(status.Files);
        }
        using (var stream = new FileStream(mount.Path("f"), FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 10;
            stream.Write([0xAA, 11, 0xBB]); // byte 11 unchanged
        }
        LossyFsStatus changed = mount.FileSystem.Status();
        Assert.Equal(2, changed.UnsyncedBytes);
        UnsyncedFile file = Assert.Single(changed.Files);
        Assert.Equal([new ByteRange(10, 1), new ByteRange(12, 1)], file.UnsyncedRanges);
    }
}
