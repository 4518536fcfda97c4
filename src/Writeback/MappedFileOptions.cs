namespace Writeback;

/// <summary>How a file is opened and mapped. Immutable; use <c>with</c> to derive variants.</summary>
public sealed record MappedFileOptions
{
    /// <summary>How to open the file, as <see cref="System.IO.FileMode"/>. Default <see cref="FileMode.OpenOrCreate"/>.</summary>
    public FileMode Mode { get; init; } = FileMode.OpenOrCreate;

    /// <summary>Read-only or read-write. Default <see cref="FileAccess.ReadWrite"/>.</summary>
    public FileAccess Access { get; init; } = FileAccess.ReadWrite;

    /// <summary>
    /// When set, the file's length is set to this many bytes on open (ftruncate(2): growing
    /// appends zeros, shrinking discards the tail). Needs <see cref="FileAccess.ReadWrite"/>.
    /// </summary>
    public long? Length { get; init; }

    /// <summary>
    /// The address space, in bytes, reserved at open for growth: <see cref="IMappedFile.SetLength"/>
    /// never moves the mapping up to this length (rounded up to a page) and refuses beyond it.
    /// Default: the larger of the file's length at open and 1 GiB. The reservation is address
    /// space only (PROT_NONE, MAP_NORESERVE): it commits no memory and no swap, so a generous value
    /// costs nothing on a 64-bit process. Must not be below the file's length.
    /// </summary>
    public long? MaxLength { get; init; }

    /// <summary>What a range flush makes durable. Default <see cref="FlushSemantics.Range"/>.</summary>
    public FlushSemantics Semantics { get; init; } = FlushSemantics.Range;

    /// <summary>
    /// When set, every range flush asks cachestat(2) how many pages of the file outside the range
    /// are still dirty and reports them (metric <c>writeback.dirty_outside_range.pages</c> and an
    /// event). A program whose correctness needs those pages relies on pre-3.16 whole-file msync.
    /// </summary>
    public bool ReportDirtyOutsideRange { get; init; }

    /// <summary>
    /// When set, the continuations of this file's <see cref="MappedFile.FlushAsync"/> and
    /// <see cref="MappedFile.FlushValueAsync"/> tasks run on the durability engine's completion
    /// thread as soon as their group's sync returns, instead of being queued to the thread pool. A
    /// commit loop that writes its next record and calls FlushAsync again then feeds the next group
    /// with no hand-off between threads (on 2 vCPUs, 8 awaiting committers measured 1.44-1.56x the
    /// commits per second of raw msync from 8 threads, against 0.84-0.90x without; docs/BENCHMARKS.md).
    /// Unsafe, as the name says: that thread completes every file's durability work in the process,
    /// so a continuation that blocks there (a synchronous wait, blocking I/O, a lock held by a thread
    /// waiting for a flush, <c>Wait()</c> on another FlushAsync) stalls or deadlocks all of them. Only
    /// for continuations that do a little work and return or await again. A wait cancelled through
    /// its token continues on the thread that cancelled. Default false.
    /// </summary>
    public bool UnsafeInlineCompletions { get; init; }
}
