using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Writeback.Tests;

public sealed class GrowthTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void GrowingKeepsEarlierSpansValidAndTheMappingInPlace()
    {
        string path = _directory.File("grow.bin");
        using (var file = MappedFile.Open(path, new MappedFileOptions { Length = 100, MaxLength = 64 * 4096 }))
        {
            Assert.Equal(64 * 4096, file.MaxLength);
            Span<byte> before = file.GetSpan(0, 100);
            ref byte start = ref MemoryMarshal.GetReference(before);
            before.Fill(1);
            file.SetLength(10 * 4096 + 7);
            file.SetLength(40 * 4096);
            Assert.True(Unsafe.AreSame(ref start, ref MemoryMarshal.GetReference(file.GetSpan(0, 1))), "the mapping moved");
            before[99] = 2;                                  // the old span still writes into the file
            file.GetSpan(40 * 4096 - 5, 5).Fill(3);          // the new part is mapped and writable
            Assert.All(file.GetReadOnlySpan(100, 4096).ToArray(), b => Assert.Equal(0, b)); // grown part reads zeros
            file.FlushFile();
        }
        using var reopened = MappedFile.Open(path);
        Assert.Equal(40 * 4096, reopened.Length);
        Assert.Equal(2, reopened.GetReadOnlySpan(99, 1)[0]);
        Assert.Equal(1, reopened.GetReadOnlySpan(0, 1)[0]);
        Assert.Equal(new byte[] { 3, 3, 3, 3, 3 }, reopened.GetReadOnlySpan(40 * 4096 - 5, 5).ToArray());
    }

    [Fact]
    public void ShrinkingThenGrowingReadsZerosInTheCutPart()
    {
        using var file = MappedFile.Open(_directory.File("shrink.bin"), new MappedFileOptions { Length = 8 * 4096 });
        file.GetSpan(0, 8 * 4096).Fill(9);
        file.SetLength(4096 + 1);
        Assert.Equal(4096 + 1, new FileInfo(file.Path).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => file.GetSpan(4096, 2));
        file.SetLength(8 * 4096);
        Assert.Equal(9, file.GetReadOnlySpan(4096, 1)[0]);
        Assert.All(file.GetReadOnlySpan(4096 + 1, 7 * 4096 - 1).ToArray(), b => Assert.Equal(0, b));
        file.Flush(0, file.Length);
    }

    [Fact]
    public void DefaultMaxLengthIsOneGibibyteOrTheFileLength()
    {
        using var small = MappedFile.Open(_directory.File("small.bin"), new MappedFileOptions { Length = 10 });
        Assert.Equal(MappedFile.DefaultMaxLength, small.MaxLength);
        small.SetLength(MappedFile.DefaultMaxLength);
        Assert.Equal(MappedFile.DefaultMaxLength, small.Length); // sparse: costs no disk
        small.SetLength(10);
        using var exact = MappedFile.Open(_directory.File("exact.bin"), new MappedFileOptions { Length = 10, MaxLength = 10 });
        Assert.Equal(4096, exact.MaxLength); // rounded up to the page
    }
}
