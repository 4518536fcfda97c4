namespace Writeback;

/// <summary>
/// Raised by <see cref="MappedFile"/> with <see cref="MappedFileOptions.ReportDirtyOutsideRange"/>
/// after each successful range flush: how many pages of the same file outside the flushed range
/// were still dirty right after the flush (cachestat(2)). A program whose correctness needs those
/// pages relies on the whole-file msync of Linux 3.15 and older.
/// </summary>
public sealed class DirtyOutsideRangeEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="flushedOffset">Start of the page-rounded range that was flushed, in bytes.</param>
    /// <param name="flushedLength">Length of the page-rounded range that was flushed, in bytes.</param>
    /// <param name="dirtyPagesOutside">Dirty pages of the file outside that range.</param>
    public DirtyOutsideRangeEventArgs(string path, long flushedOffset, long flushedLength, long dirtyPagesOutside)
    {
        Path = path;
        FlushedOffset = flushedOffset;
        FlushedLength = flushedLength;
        DirtyPagesOutside = dirtyPagesOutside;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Start of the page-rounded range that was flushed, in bytes.</summary>
    public long FlushedOffset { get; }

    /// <summary>Length of the page-rounded range that was flushed, in bytes.</summary>
    public long FlushedLength { get; }

    /// <summary>Pages of the file outside the flushed range that were dirty just after the flush.</summary>
    public long DirtyPagesOutside { get; }
}
