using Writeback.Simulation.Exploration;
using Writeback.Simulation.Storage;

namespace Writeback.Simulation.Tests;

/// <summary>
/// Post-crash views share pooled page memory that is not zeroed between views: each view must see
/// exactly its own image (and zeros where the file has no image page), whatever an earlier view on
/// the same block read, wrote, cut or grew. Views are released and opened again on one thread, so
/// the second view usually gets the first one's block; the assertions hold either way.
/// </summary>
public sealed class PooledViewMemoryTests
{
    private const int Page = 4096;

    /// <summary>An image of one file "f" whose page i is filled with fill(i).</summary>
    private sealed class FilledImage(int pageCount, Func<int, byte> fill, int pageSizeBytes = Page) : IImageSource
    {
        private readonly byte[][] _pages = [.. Enumerable.Range(0, pageCount).Select(i => Enumerable.Repeat(fill(i), pageSizeBytes).ToArray())];

        public int PageSizeBytes => pageSizeBytes;

        public IReadOnlyDictionary<string, int> Names { get; } = new Dictionary<string, int> { ["f"] = 0 };

        public long LengthOf(int inodeId) => (long)pageCount * pageSizeBytes;

        public byte[] Page(int inodeId, int pageIndex) => _pages[pageIndex];
    }

    private static void InView(IImageSource image, Action<IMappedFile> use)
    {
        var storage = MemoryStorage.OverImage(image);
        try
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Mode = FileMode.Open });
            use(file);
        }
        finally
        {
            storage.Release();
        }
    }

    private static void AssertFilled(ReadOnlySpan<byte> bytes, byte expected, string what)
    {
        int index = bytes.IndexOfAnyExcept(expected);
        Assert.True(index < 0, $"{what}: byte {index} is {(index < 0 ? 0 : bytes[index])}, expected {expected}");
    }

    [Fact]
    public void AViewSeesItsImageAfterAnotherViewWroteOverTheSamePages()
    {
        var image = new FilledImage(4, i => (byte)(i + 1));
        for (int round = 0; round < 3; round++)
        {
            InView(image, file =>
            {
                ReadOnlySpan<byte> all = file.GetReadOnlySpan(0, 4 * Page);
                for (int pageIndex = 0; pageIndex < 4; pageIndex++)
                {
                    AssertFilled(all.Slice(pageIndex * Page, Page), (byte)(pageIndex + 1), $"round {round}, page {pageIndex}");
                }
                file.GetSpan(Page, 2 * Page).Fill(0xEE); // a checker that repairs the file in place
                file.Write(3 * Page + 10, [0xDD]);
            });
        }
    }

    [Fact]
    public void PagesBeyondTheImageReadZerosAfterAnotherViewWroteThere()
    {
        var image = new FilledImage(2, i => (byte)(i + 1));
        for (int round = 0; round < 3; round++)
        {
            InView(image, file =>
            {
                file.SetLength(6 * Page);
                ReadOnlySpan<byte> all = file.GetReadOnlySpan(0, 6 * Page);
                AssertFilled(all[..Page], 1, $"round {round}, page 0");
                AssertFilled(all.Slice(Page, Page), 2, $"round {round}, page 1");
                AssertFilled(all[(2 * Page)..], 0, $"round {round}, grown pages");
                byte[] read = new byte[Page];
                file.Read(4 * Page, read);
                AssertFilled(read, 0, $"round {round}, grown page read");
                file.GetSpan(0, 6 * Page).Fill(0xEE);
            });
        }
    }

    [Fact]
    public void ATruncatedViewReadsZerosWhenItGrowsAgain()
    {
        var image = new FilledImage(4, i => (byte)(i + 1));
        for (int round = 0; round < 3; round++)
        {
            InView(image, file =>
            {
                _ = file.GetReadOnlySpan(0, 4 * Page); // every page in memory first
                file.SetLength(Page + 100);
                file.SetLength(4 * Page);
                ReadOnlySpan<byte> all = file.GetReadOnlySpan(0, 4 * Page);
                AssertFilled(all[..Page], 1, $"round {round}, page 0");
                AssertFilled(all.Slice(Page, 100), 2, $"round {round}, the kept part of page 1");
                AssertFilled(all[(Page + 100)..], 0, $"round {round}, the cut part");
                file.GetSpan(0, 4 * Page).Fill(0xEE);
            });
            InView(image, file =>
            {
                file.SetLength(2 * Page); // cut pages never brought into memory
                file.SetLength(3 * Page);
                AssertFilled(file.GetReadOnlySpan(0, Page), 1, $"round {round}, page 0 after an uncopied cut");
                AssertFilled(file.GetReadOnlySpan(2 * Page, Page), 0, $"round {round}, page 2 after an uncopied cut");
                AssertFilled(file.GetReadOnlySpan(Page, 2 * Page)[Page..], 0, $"round {round}, page 2 in a span across pages");
            });
        }
    }

    [Fact]
    public void ViewsWithAnotherPageSizeOnTheSameBlockSeeTheirOwnImage()
    {
        // 4096-byte pages 1, 2 and 512-byte pages 11..26 cover the same 8 KiB of a block.
        var large = new FilledImage(2, i => (byte)(i + 1));
        var small = new FilledImage(16, i => (byte)(i + 11), 512);
        for (int round = 0; round < 3; round++)
        {
            InView(large, file =>
            {
                ReadOnlySpan<byte> all = file.GetReadOnlySpan(0, 2 * Page);
                AssertFilled(all[..Page], 1, $"round {round}, large page 0");
                AssertFilled(all[Page..], 2, $"round {round}, large page 1");
            });
            InView(small, file =>
            {
                ReadOnlySpan<byte> all = file.GetReadOnlySpan(0, 16 * 512);
                for (int pageIndex = 0; pageIndex < 16; pageIndex++)
                {
                    AssertFilled(all.Slice(pageIndex * 512, 512), (byte)(pageIndex + 11), $"round {round}, small page {pageIndex}");
                }
            });
        }
    }
}
