using CsCheck;
using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.Volatile;

namespace Writeback.LossyFs.Tests.Volatile;

public sealed class FileOverlayTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lossyfs-overlay-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private SafeFileHandle NewFile(byte[] content)
    {
        string path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
    }

    private static byte[] ReadAll(FileOverlay overlay, SafeFileHandle fd)
    {
        byte[] bytes = new byte[overlay.VolatileLengthBytes];
        Assert.Equal(bytes.Length, overlay.Read(fd, bytes, 0));
        return bytes;
    }

    [Fact]
    public void Writes_are_visible_through_reads_and_absent_from_the_backing_file_until_persist()
    {
        using SafeFileHandle fd = NewFile([.. Enumerable.Repeat((byte)'a', 10_000)]);
        var overlay = new FileOverlay(10_000);
        Assert.Equal(0, overlay.Write(fd, "xyz"u8, 4095));
        Assert.Equal(0, overlay.Write(fd, "tail"u8, 12_000));

        byte[] visible = ReadAll(overlay, fd);
        Assert.Equal(12_004, visible.Length);
        Assert.Equal("axyza"u8.ToArray(), visible[4094..4099]);
        Assert.All(visible[10_000..12_000], b => Assert.Equal(0, b));
        Assert.Equal(10_000, RandomAccess.GetLength(fd));
        Assert.Equal(7, overlay.UnsyncedBytes);
        Assert.Equal([(4095L, 3L), (12_000L, 4L)], overlay.DirtyRanges());

        Assert.Equal(0, overlay.Persist(fd, dataOnly: true, new byte[1 << 20]));
        Assert.Equal(12_004, RandomAccess.GetLength(fd));
        byte[] durable = new byte[12_004];
        RandomAccess.Read(fd, durable, 0);
        Assert.Equal(visible, durable);
        Assert.False(overlay.IsDirty);
        Assert.Equal(0, overlay.UnsyncedBytes);
    }

    [Fact]
    public void Shrinking_then_growing_reads_zeros_where_the_backing_file_still_has_bytes()
    {
        using SafeFileHandle fd = NewFile([.. Enumerable.Repeat((byte)'b', 8192)]);
        var overlay = new FileOverlay(8192);
        overlay.SetLength(100);
        overlay.SetLength(8192);
        byte[] visible = ReadAll(overlay, fd);
        Assert.All(visible[..100], b => Assert.Equal((byte)'b', b));
        Assert.All(visible[100..], b => Assert.Equal(0, b));
        Assert.Equal(0, overlay.Persist(fd, dataOnly: false, new byte[1 << 20]));
        byte[] durable = new byte[8192];
        RandomAccess.Read(fd, durable, 0);
        Assert.Equal(visible, durable);
    }

    [Fact]
    public void A_random_crash_keeps_whole_units_within_the_durable_length_only()
    {
        using SafeFileHandle fd = NewFile(new byte[4096]);
        var overlay = new FileOverlay(4096);
        overlay.Write(fd, [.. Enumerable.Repeat((byte)0xFF, 6000)], 0);
        long kept = overlay.PersistSubset(fd, 512, unit => unit % 2 == 0);
        Assert.Equal(4 * 512, kept);
        byte[] durable = new byte[RandomAccess.GetLength(fd)];
        RandomAccess.Read(fd, durable, 0);
        Assert.Equal(4096, durable.Length);
        for (int unit = 0; unit < 8; unit++)
        {
            byte expected = unit % 2 == 0 ? (byte)0xFF : (byte)0;
            Assert.All(durable[(unit * 512)..((unit + 1) * 512)], b => Assert.Equal(expected, b));
        }
    }

    /// <summary>Any sequence of writes and length changes reads like the same operations on a byte list, and persists to exactly it.</summary>
    [Fact]
    public void Reads_and_persisted_contents_equal_a_plain_byte_model()
    {
        var operation = Gen.OneOf(
            Gen.Select(Gen.Int[0, 20_000], Gen.Int[1, 6000], Gen.Byte, (offset, length, value) => (Kind: 0, Offset: offset, Length: length, Value: value)),
            Gen.Select(Gen.Int[0, 20_000], length => (Kind: 1, Offset: length, Length: 0, Value: (byte)0)));
        Gen.Select(Gen.Int[0, 12_000], operation.Array[1, 12]).Sample((initialLength, operations) =>
        {
            byte[] initial = new byte[initialLength];
            for (int i = 0; i < initial.Length; i++)
            {
                initial[i] = (byte)(i * 7);
            }
            using SafeFileHandle fd = NewFile(initial);
            var overlay = new FileOverlay(initialLength);
            var model = new List<byte>(initial);
            foreach ((int Kind, int Offset, int Length, byte Value) op in operations)
            {
                if (op.Kind == 0)
                {
                    byte[] data = [.. Enumerable.Repeat(op.Value, op.Length)];
                    Assert.Equal(0, overlay.Write(fd, data, op.Offset));
                    while (model.Count < op.Offset + op.Length)
                    {
                        model.Add(0);
                    }
                    for (int i = 0; i < op.Length; i++)
                    {
                        model[op.Offset + i] = op.Value;
                    }
                }
                else
                {
                    overlay.SetLength(op.Offset);
                    if (op.Offset < model.Count)
                    {
                        model.RemoveRange(op.Offset, model.Count - op.Offset);
                    }
                    while (model.Count < op.Offset)
                    {
                        model.Add(0);
                    }
                }
                Assert.Equal(model.ToArray(), ReadAll(overlay, fd));
            }
            Assert.Equal(initial, File.ReadAllBytes(PathOf(fd)));
            Assert.Equal(0, overlay.Persist(fd, dataOnly: false, new byte[1 << 20]));
            Assert.Equal(model.ToArray(), File.ReadAllBytes(PathOf(fd)));
        }, iter: 200, seed: "0N0XIzNsQ0O2");
    }

    private static string PathOf(SafeFileHandle fd) => File.ResolveLinkTarget($"/proc/self/fd/{fd.DangerousGetHandle()}", returnFinalTarget: false)!.FullName;
}
