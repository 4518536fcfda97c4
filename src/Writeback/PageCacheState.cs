namespace Writeback;

/// <summary>
/// The page-cache state of a byte range of a file, as cachestat(2) reports it (Linux 6.5+). Counts
/// are in pages. The values may be stale by the time they are read; they describe, not prove.
/// </summary>
/// <param name="CachedPages">Pages of the range resident in the page cache.</param>
/// <param name="DirtyPages">Cached pages that are dirty: changed and not yet written back.</param>
/// <param name="WritebackPages">Cached pages whose writeback to the device is under way.</param>
/// <param name="EvictedPages">Pages of the range that were evicted from the page cache.</param>
/// <param name="RecentlyEvictedPages">Evicted pages that would have stayed resident with a little more memory.</param>
public readonly record struct PageCacheState(long CachedPages, long DirtyPages, long WritebackPages,
                                             long EvictedPages, long RecentlyEvictedPages);
