namespace Writeback.LossyFs;

/// <summary>A byte range.</summary>
/// <param name="OffsetBytes">First byte.</param>
/// <param name="LengthBytes">Number of bytes.</param>
public readonly record struct ByteRange(long OffsetBytes, long LengthBytes);

/// <summary>A file whose data or length is not yet durable.</summary>
/// <param name="Path">Path inside the mount, or <c>(unlinked #id)</c> for a file with no visible name.</param>
/// <param name="VolatileLengthBytes">The length programs see.</param>
/// <param name="DurableLengthBytes">The length a crash would leave.</param>
/// <param name="UnsyncedRanges">Byte ranges written since the last fsync that a crash would lose: their bytes differ from the durable ones or lie beyond the durable length.</param>
public sealed record UnsyncedFile(string Path, long VolatileLengthBytes, long DurableLengthBytes, IReadOnlyList<ByteRange> UnsyncedRanges);

/// <summary>How a name differs between what programs see and what is durable.</summary>
public enum NameChange
{
    /// <summary>Visible, not durable: a crash removes it.</summary>
    Created,
    /// <summary>Durable, not visible: a crash brings it back.</summary>
    Removed,
    /// <summary>Both exist but name different files (a rename over it): a crash brings back the old one.</summary>
    Replaced,
}

/// <summary>A name whose creation, removal or replacement is not yet durable (no FSYNCDIR of its directory since).</summary>
/// <param name="Directory">The directory's path inside the mount.</param>
/// <param name="Name">The entry's name.</param>
/// <param name="Change">How it differs.</param>
public sealed record PendingName(string Directory, string Name, NameChange Change);

/// <summary>What a mount holds that is not yet durable.</summary>
/// <param name="Mountpoint">The mount point.</param>
/// <param name="BackingDirectory">The backing directory (the post-crash image).</param>
/// <param name="NamesDurableImmediately">Whether names are applied at once (LazyFS behaviour).</param>
/// <param name="UnsyncedBytes">Bytes written and not yet durable, over all files.</param>
/// <param name="HeldBytes">Memory held for the written ranges: whole 4 KiB pages.</param>
/// <param name="Files">Files with unsynced data or length.</param>
/// <param name="PendingNames">Names not yet durable.</param>
/// <param name="Faults">Injected faults still armed.</param>
public sealed record LossyFsStatus(string Mountpoint, string BackingDirectory, bool NamesDurableImmediately,
    long UnsyncedBytes, long HeldBytes, IReadOnlyList<UnsyncedFile> Files, IReadOnlyList<PendingName> PendingNames,
    IReadOnlyList<FaultSpec> Faults);
