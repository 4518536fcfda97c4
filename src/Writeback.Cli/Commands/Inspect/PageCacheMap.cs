using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Inspect;

/// <summary>
/// A file range's page-cache state, whole and per chunk of pages, and its rendering as a table of
/// totals plus a coloured map (one cell per chunk) with a legend.
/// </summary>
internal sealed class PageCacheMap
{
    /// <summary>The most cells the map draws; chunks grow so the map never exceeds it.</summary>
    public const int MaxCells = 1024;

    /// <summary>Cells per row of the map.</summary>
    public const int CellsPerRow = CellGrid.CellsPerRow;

    private PageCacheMap(string path, long offsetBytes, long lengthBytes, int pageSizeBytes, long chunkPageCount,
                         IReadOnlyList<PageCacheChunk> chunks, PageCacheState totals)
    {
        Path = path;
        OffsetBytes = offsetBytes;
        LengthBytes = lengthBytes;
        PageSizeBytes = pageSizeBytes;
        ChunkPageCount = chunkPageCount;
        Chunks = chunks;
        Totals = totals;
    }

    /// <summary>The inspected file.</summary>
    public string Path { get; }

    /// <summary>Start of the inspected range in bytes.</summary>
    public long OffsetBytes { get; }

    /// <summary>Length of the inspected range in bytes.</summary>
    public long LengthBytes { get; }

    /// <summary>The page size in bytes.</summary>
    public int PageSizeBytes { get; }

    /// <summary>Pages per cell of the map.</summary>
    public long ChunkPageCount { get; }

    /// <summary>The cells, in file order.</summary>
    public IReadOnlyList<PageCacheChunk> Chunks { get; }

    /// <summary>The whole range's counts (the sum of the chunks').</summary>
    public PageCacheState Totals { get; }

    /// <summary>Number of pages in the range.</summary>
    public long PageCount => PageCountOf(OffsetBytes, LengthBytes, PageSizeBytes);

    /// <summary>Number of pages that the page-rounded range [offset, offset + length) touches.</summary>
    /// <param name="offsetBytes">Start in bytes.</param>
    /// <param name="lengthBytes">Length in bytes.</param>
    /// <param name="pageSizeBytes">Page size in bytes.</param>
    /// <returns>The page count.</returns>
    public static long PageCountOf(long offsetBytes, long lengthBytes, int pageSizeBytes)
    {
        if (lengthBytes == 0)
        {
            return 0;
        }

        long firstPageIndex = offsetBytes / pageSizeBytes;
        long endPageIndex = Pages.CountOf(offsetBytes + lengthBytes, pageSizeBytes);
        return endPageIndex - firstPageIndex;
    }

    /// <summary>Queries the state of every chunk of the range and builds the map.</summary>
    /// <param name="path">The file, for display.</param>
    /// <param name="offsetBytes">Start of the range in bytes; rounded down to a page.</param>
    /// <param name="lengthBytes">Length of the range in bytes.</param>
    /// <param name="pageSizeBytes">The page size in bytes.</param>
    /// <param name="query">Returns the state of a byte range (cachestat).</param>
    /// <param name="maxCells">The most cells to draw.</param>
    /// <returns>The map.</returns>
    public static PageCacheMap Build(string path, long offsetBytes, long lengthBytes, int pageSizeBytes,
                                     Func<long, long, PageCacheState> query, int maxCells = MaxCells)
    {
        long pageCount = PageCountOf(offsetBytes, lengthBytes, pageSizeBytes);
        long chunkPageCount = Math.Max(1, (pageCount + maxCells - 1) / maxCells);
        long firstByte = Pages.RoundDown(offsetBytes, pageSizeBytes);
        var chunks = new List<PageCacheChunk>();
        long cached = 0, dirty = 0, writeback = 0, evicted = 0, recentlyEvicted = 0;
        for (long pageIndex = 0; pageIndex < pageCount; pageIndex += chunkPageCount)
        {
            long chunkPages = Math.Min(chunkPageCount, pageCount - pageIndex);
            // The chunk's pages, clipped to the requested range: the file may end inside its last page.
            long startBytes = Math.Max(offsetBytes, firstByte + (pageIndex * pageSizeBytes));
            long endBytes = Math.Min(offsetBytes + lengthBytes, firstByte + ((pageIndex + chunkPages) * pageSizeBytes));
            PageCacheState state = query(startBytes, endBytes - startBytes);
            chunks.Add(new PageCacheChunk((offsetBytes / pageSizeBytes) + pageIndex, chunkPages, state));
            cached += state.CachedPages;
            dirty += state.DirtyPages;
            writeback += state.WritebackPages;
            evicted += state.EvictedPages;
            recentlyEvicted += state.RecentlyEvictedPages;
        }

        return new PageCacheMap(path, offsetBytes, lengthBytes, pageSizeBytes, chunkPageCount, chunks,
                                new PageCacheState(cached, dirty, writeback, evicted, recentlyEvicted));
    }

    /// <summary>The letter drawn for a cell kind, so the map reads without colour too.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>One character.</returns>
    public static char LetterOf(PageCellKind kind) => kind switch
    {
        PageCellKind.Dirty => 'D',
        PageCellKind.Writeback => 'W',
        PageCellKind.Cached => '#',
        PageCellKind.PartlyCached => '+',
        PageCellKind.Evicted => 'e',
        _ => '.',
    };

    /// <summary>The colour of a cell kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>A Spectre.Console colour name.</returns>
    public static string ColourOf(PageCellKind kind) => kind switch
    {
        PageCellKind.Dirty => "red",
        PageCellKind.Writeback => "yellow",
        PageCellKind.Cached => "green",
        PageCellKind.PartlyCached => "olive",
        PageCellKind.Evicted => "blue",
        _ => "grey",
    };

    /// <summary>The map's rows as plain text (letters only), for tests and logs.</summary>
    /// <returns>One string per row.</returns>
    public IReadOnlyList<string> PlainRows()
    {
        var rows = new List<string>();
        for (int start = 0; start < Chunks.Count; start += CellsPerRow)
        {
            rows.Add(new string(Chunks.Skip(start).Take(CellsPerRow).Select(c => LetterOf(c.Kind)).ToArray()));
        }

        return rows;
    }

    /// <summary>Renders totals, map and legend for the console.</summary>
    /// <returns>A renderable.</returns>
    public IRenderable Render()
    {
        var totals = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(Title()));
        totals.AddColumn("pages");
        totals.AddColumn(new TableColumn("[green]cached[/]").RightAligned());
        totals.AddColumn(new TableColumn("[red]dirty[/]").RightAligned());
        totals.AddColumn(new TableColumn("[yellow]writeback[/]").RightAligned());
        totals.AddColumn(new TableColumn("[blue]evicted[/]").RightAligned());
        totals.AddColumn(new TableColumn("recently evicted").RightAligned());
        totals.AddRow(N(PageCount), N(Totals.CachedPages), N(Totals.DirtyPages), N(Totals.WritebackPages),
                      N(Totals.EvictedPages), N(Totals.RecentlyEvictedPages));

        string map = CellGrid.ToMarkup(Chunks, c => LetterOf(c.Kind), c => ColourOf(c.Kind), i => Chunks[i].FirstPageIndex);

        string legend = string.Join("  ", Enum.GetValues<PageCellKind>().Select(k =>
            $"[{ColourOf(k)}]{LetterOf(k)}[/] {LegendText(k)}"));
        string cell = ChunkPageCount == 1 ? "one page" : $"{ChunkPageCount.ToString(CultureInfo.InvariantCulture)} pages";
        var rows = new List<IRenderable> { totals };
        if (Totals.DirtyPages > 0 || Totals.WritebackPages > 0)
        {
            // cachestat(2) counts dirty and writeback per folio: a large folio with one dirty byte counts all its pages.
            rows.Add(new Markup("[grey]dirty and writeback are counted by the kernel per folio (cachestat(2)): one store into a large folio "
                                + "counts every page of it, so they can exceed the pages actually written.[/]"));
        }
        if (Chunks.Count == 0)
        {
            rows.Add(new Markup("[grey](empty range: no pages)[/]"));
        }
        else
        {
            rows.Add(new Markup($"[bold]map[/] (one cell = {cell} of {PageSizeBytes.ToString(CultureInfo.InvariantCulture)} bytes; left: first page of the row)"));
            rows.Add(new Markup(map));
            rows.Add(new Markup(legend));
        }

        return new Rows(rows);
    }

    private string Title() =>
        string.Create(CultureInfo.InvariantCulture, $"{Path}  bytes {OffsetBytes}..{OffsetBytes + LengthBytes} ({LengthBytes} bytes)");

    private static string LegendText(PageCellKind kind) => kind switch
    {
        PageCellKind.Dirty => "dirty",
        PageCellKind.Writeback => "under writeback",
        PageCellKind.Cached => "cached, clean",
        PageCellKind.PartlyCached => "partly cached",
        PageCellKind.Evicted => "evicted",
        _ => "not cached",
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The map as a JSON document.</summary>
    /// <returns>A serializable snapshot.</returns>
    public InspectReport ToReport() => new(
        Path, OffsetBytes, LengthBytes, PageSizeBytes, PageCount, Totals, ChunkPageCount,
        Chunks.Select(c => new InspectChunk(c.FirstPageIndex, c.PageCount, c.Kind, c.State)).ToList(),
        DateTimeOffset.UtcNow);
}

/// <summary>The JSON document of <c>writeback inspect --json</c>.</summary>
/// <param name="File">The inspected file.</param>
/// <param name="OffsetBytes">Start of the inspected range.</param>
/// <param name="LengthBytes">Length of the inspected range.</param>
/// <param name="PageSizeBytes">Page size.</param>
/// <param name="PageCount">Pages in the range.</param>
/// <param name="Totals">Counts for the whole range.</param>
/// <param name="ChunkPageCount">Pages per chunk.</param>
/// <param name="Chunks">Per-chunk counts, in file order.</param>
/// <param name="TimestampUtc">When the state was read.</param>
internal sealed record InspectReport(string File, long OffsetBytes, long LengthBytes, int PageSizeBytes, long PageCount,
                                     PageCacheState Totals, long ChunkPageCount, IReadOnlyList<InspectChunk> Chunks,
                                     DateTimeOffset TimestampUtc);

/// <summary>One chunk in <see cref="InspectReport"/>.</summary>
/// <param name="FirstPageIndex">First page of the chunk in the file.</param>
/// <param name="PageCount">Pages in the chunk.</param>
/// <param name="Kind">The map cell's classification.</param>
/// <param name="State">The chunk's counts.</param>
internal sealed record InspectChunk(long FirstPageIndex, long PageCount, PageCellKind Kind, PageCacheState State);
