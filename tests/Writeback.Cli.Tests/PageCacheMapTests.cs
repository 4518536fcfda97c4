using Spectre.Console.Testing;
using Writeback.Cli.Commands.Inspect;

namespace Writeback.Cli.Tests;

public class PageCacheMapTests
{
    private const int PageSize = 4096;

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, 1, 1)]
    [InlineData(0, 4096, 1)]
    [InlineData(0, 4097, 2)]
    [InlineData(4095, 2, 2)]
    [InlineData(4096, 8192, 2)]
    public void Page_count_covers_the_page_rounded_range(long offsetBytes, long lengthBytes, long expectedPageCount) =>
        Assert.Equal(expectedPageCount, PageCacheMap.PageCountOf(offsetBytes, lengthBytes, PageSize));

    [Fact]
    public void Chunks_cover_every_page_once_and_totals_add_up()
    {
        var queried = new List<(long Offset, long Length)>();
        PageCacheState Query(long offsetBytes, long lengthBytes)
        {
            queried.Add((offsetBytes, lengthBytes));
            long pages = lengthBytes / PageSize;
            return new PageCacheState(pages, offsetBytes == 0 ? 1 : 0, 0, 0, 0);
        }

        const long pageCount = 3000;
        var map = PageCacheMap.Build("f", 0, pageCount * PageSize, PageSize, Query, maxCells: 1024);

        Assert.Equal(3, map.ChunkPageCount);
        Assert.Equal(1000, map.Chunks.Count);
        Assert.Equal(pageCount, map.Chunks.Sum(c => c.PageCount));
        Assert.Equal(pageCount, map.Totals.CachedPages);
        Assert.Equal(1, map.Totals.DirtyPages);
        Assert.Equal(PageCellKind.Dirty, map.Chunks[0].Kind);
        Assert.All(map.Chunks.Skip(1), c => Assert.Equal(PageCellKind.Cached, c.Kind));
        // Contiguous, non-overlapping queries.
        for (int i = 1; i < queried.Count; i++)
        {
            Assert.Equal(queried[i - 1].Offset + queried[i - 1].Length, queried[i].Offset);
        }
    }

    [Theory]
    [InlineData(4, 2, 0, 0, "Dirty")]
    [InlineData(4, 0, 1, 0, "Writeback")]
    [InlineData(4, 0, 0, 0, "Cached")]
    [InlineData(2, 0, 0, 2, "PartlyCached")]
    [InlineData(0, 0, 0, 3, "Evicted")]
    [InlineData(0, 0, 0, 0, "NotCached")]
    public void Cell_kind_follows_dirty_then_writeback_then_residency(long cached, long dirty, long writeback, long evicted,
                                                                     string expected)
    {
        var chunk = new PageCacheChunk(0, 4, new PageCacheState(cached, dirty, writeback, evicted, 0));
        Assert.Equal(Enum.Parse<PageCellKind>(expected), chunk.Kind);
    }

    [Fact]
    public void Rendering_shows_totals_map_rows_and_legend()
    {
        var map = PageCacheMap.Build("data.bin", 0, 130L * PageSize, PageSize,
            (offsetBytes, lengthBytes) => offsetBytes / PageSize % 2 == 0
                ? new PageCacheState(1, 1, 0, 0, 0)
                : new PageCacheState(0, 0, 0, 0, 0));

        Assert.Equal(["D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.",
                      "D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.D.",
                      "D."], map.PlainRows());
        TestConsole console = new TestConsole().Width(200);
        console.Write(map.Render());
        Assert.Contains("data.bin", console.Output);
        Assert.Contains("65", console.Output);              // dirty and cached totals
        Assert.Contains("under writeback", console.Output); // legend
        Assert.Contains("D.D.D.D", console.Output);
    }

    [Fact]
    public void Empty_range_renders_without_cells()
    {
        var map = PageCacheMap.Build("empty", 0, 0, PageSize, (_, _) => throw new InvalidOperationException("no query expected"));
        Assert.Empty(map.Chunks);
        TestConsole console = new TestConsole().Width(200);
        console.Write(map.Render());
        Assert.Contains("empty range", console.Output);
    }
}
