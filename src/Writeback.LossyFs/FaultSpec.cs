namespace Writeback.LossyFs;

/// <summary>The request a fault applies to.</summary>
public enum FaultOperation
{
    /// <summary>FUSE_WRITE: the kernel's write of file data (from write(2) or page writeback) fails.</summary>
    Write,

    /// <summary>FUSE_FSYNC: fsync(2), fdatasync(2) or msync(MS_SYNC) of the file fails; nothing is made durable.</summary>
    Fsync,
}

/// <summary>
/// An injected failure: requests of <see cref="Operation"/> on the file at <see cref="Path"/>
/// (relative to the mount point, e.g. <c>/db/data.mdb</c>) fail with <see cref="Errno"/>.
/// </summary>
public sealed record FaultSpec
{
    /// <summary>The file's path inside the mount, "/" separated, leading "/" optional.</summary>
    public required string Path { get; init; }

    /// <summary>Which request fails.</summary>
    public required FaultOperation Operation { get; init; }

    /// <summary>The errno to reply with, e.g. 5 (EIO) or 28 (ENOSPC).</summary>
    public required int Errno { get; init; }

    /// <summary>With <see cref="FaultOperation.Write"/>: only writes overlapping [<see cref="StartOffsetBytes"/>, <see cref="EndOffsetBytes"/>) fail. Null: any offset.</summary>
    public long? StartOffsetBytes { get; init; }

    /// <summary>End (exclusive) of the offset range; see <see cref="StartOffsetBytes"/>.</summary>
    public long? EndOffsetBytes { get; init; }

    /// <summary>How many requests fail before the fault is spent. Null: every matching request, until the unmount.</summary>
    public int? Count { get; init; }
}
