namespace Writeback;

/// <summary>Advice about the expected use of a range of the mapping, passed to madvise(2).</summary>
public enum MemoryAdvice
{
    /// <summary>No special treatment (MADV_NORMAL).</summary>
    Normal,

    /// <summary>Pages will be accessed in random order; read-ahead is less useful (MADV_RANDOM).</summary>
    Random,

    /// <summary>Pages will be accessed in order; read ahead aggressively (MADV_SEQUENTIAL).</summary>
    Sequential,

    /// <summary>Pages will be needed soon; read them ahead (MADV_WILLNEED).</summary>
    WillNeed,

    /// <summary>
    /// Pages will not be needed soon (MADV_DONTNEED). For a shared file mapping the data is kept in
    /// the page cache; only this process's page table entries are dropped.
    /// </summary>
    DontNeed,

    /// <summary>Reclaim the pages, writing dirty ones back first (MADV_PAGEOUT, Linux 5.4).</summary>
    PageOut,
}
