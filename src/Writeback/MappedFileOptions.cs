namespace Writeback;

/// <summary>How a file is opened and mapped. Immutable; use <c>with</c> to derive variants.</summary>
public sealed record MappedFileOptions
{
    /// <summary>How to open the file, as <see cref="System.IO.FileMode"/>. Default <see cref="FileMode.OpenOrCreate"/>.</summary>
    public FileMode Mode { get; init; } = FileMode.OpenOrCreate;

    /// <summary>Read-only or read-write. Default <see cref="FileAccess.ReadWrite"/>.</summary>
    public FileAccess Access { get; init; } = FileAccess.ReadWrite;

    /// <summary>When set, the file's length is set to this many bytes on open.</summary>
    public long? Length { get; init; }

    /// <summary>
    /// The address space, in bytes, reserved at open for growth: <see cref="IMappedFile.SetLength"/>
    /// never moves the mapping up to this length. Default: the file's length at open.
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
