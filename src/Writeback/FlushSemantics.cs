namespace Writeback;

/// <summary>What a range flush (<see cref="IMappedFile.Flush(long, long)"/>) makes durable.</summary>
public enum FlushSemantics
{
    /// <summary>Only the page-rounded range and the metadata needed to read it, as msync(MS_SYNC) since Linux 3.16.</summary>
    Range,

    /// <summary>
    /// The whole file's data and metadata, as msync(MS_SYNC) on Linux 2.6.19 to 3.15: every range
    /// flush behaves as <see cref="IMappedFile.FlushFile"/>. For programs written for those kernels.
    /// </summary>
    WholeFile,
}
