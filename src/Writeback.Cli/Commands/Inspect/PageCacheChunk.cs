namespace Writeback.Cli.Commands.Inspect;

/// <summary>The page-cache state of one chunk of consecutive pages: one cell of the map.</summary>
/// <param name="FirstPageIndex">Index of the chunk's first page in the file (byte offset / page size).</param>
/// <param name="PageCount">Number of pages in the chunk (the last chunk may be shorter).</param>
/// <param name="State">The counts cachestat(2) reported for the chunk.</param>
internal readonly record struct PageCacheChunk(long FirstPageIndex, long PageCount, PageCacheState State)
{
    /// <summary>The chunk's one-word classification, which chooses the cell's colour and letter.</summary>
    public PageCellKind Kind
    {
        get
        {
            // Dirty first: it is what a flush is about. Then writeback in flight, then residency.
            if (State.DirtyPages > 0)
            {
                return PageCellKind.Dirty;
            }

            if (State.WritebackPages > 0)
            {
                return PageCellKind.Writeback;
            }

            if (State.CachedPages >= PageCount)
            {
                return PageCellKind.Cached;
            }

            if (State.CachedPages > 0)
            {
                return PageCellKind.PartlyCached;
            }

            return State.EvictedPages > 0 ? PageCellKind.Evicted : PageCellKind.NotCached;
        }
    }
}

/// <summary>What one cell of the page-cache map shows.</summary>
internal enum PageCellKind
{
    /// <summary>At least one page is dirty: changed in memory, not yet written back.</summary>
    Dirty,

    /// <summary>No dirty page, at least one under writeback to the device.</summary>
    Writeback,

    /// <summary>Every page cached and clean.</summary>
    Cached,

    /// <summary>Some pages cached (all clean), others not.</summary>
    PartlyCached,

    /// <summary>No page cached; some were evicted.</summary>
    Evicted,

    /// <summary>No page cached and none recorded as evicted (never read or written since boot).</summary>
    NotCached,
}
