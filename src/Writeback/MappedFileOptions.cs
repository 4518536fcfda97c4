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
}
