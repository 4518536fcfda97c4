namespace Writeback.Simulation;

/// <summary>
/// What one durability call guarantees when it returns under a <see cref="KernelModel"/>: which data
/// (<see cref="Covers"/>), how far it goes (<see cref="Data"/>), how far the file's length goes
/// (<see cref="Length"/>), and for <see cref="ModelCall.DirectoryFsync"/> and <see cref="ModelCall.Sync"/>
/// how far the names go (<see cref="Names"/>). A level says which crash kinds keep the effect:
/// <see cref="DurabilityLevel.DeviceCache"/> a kernel crash, <see cref="DurabilityLevel.Stable"/> also power loss.
/// </summary>
/// <param name="Covers">Which data the call covers.</param>
/// <param name="Data">The level the covered pages reach (the versions in memory when the call is made).</param>
/// <param name="Length">The level the file's length reaches.</param>
/// <param name="StartsIo">Whether the call starts writeback of the covered dirty pages without waiting: no guarantee, reported as "in flight".</param>
public sealed record CallEffect(CallCoverage Covers, DurabilityLevel Data, DurabilityLevel Length, bool StartsIo = false)
{
    /// <summary>The level a directory's entries reach (<see cref="ModelCall.DirectoryFsync"/>; every directory's for <see cref="ModelCall.Sync"/>); <see cref="DurabilityLevel.None"/> for file calls.</summary>
    public DurabilityLevel Names { get; init; }

    /// <summary>An effect that guarantees nothing and starts nothing.</summary>
    public static CallEffect Nothing { get; } = new(CallCoverage.Range, DurabilityLevel.None, DurabilityLevel.None);
}

/// <summary>How names (directory entries) behave under a <see cref="KernelModel"/>.</summary>
public sealed record NameSemantics
{
    /// <summary>
    /// Whether a created, removed or renamed name needs an fsync of its parent directory to be durable
    /// (strict POSIX; default). When false every name change is durable, at the level of
    /// <see cref="ModelCall.DirectoryFsync"/>, as soon as it returns (a <c>dirsync</c> mount).
    /// </summary>
    public bool DirectoryFsyncRequired { get; init; } = true;

    /// <summary>
    /// Whether an <c>fsync</c> of a file also makes its newest name durable (ext4, XFS: the journal commit
    /// carries the directory entry), at the fsync's data level. With in-order name changes, the changes
    /// made before it come with it.
    /// </summary>
    public bool FileFsyncPersistsName { get; init; }

    /// <summary>
    /// Whether a rename that replaces an existing file makes the new file's data and length durable, at
    /// the level of <see cref="ModelCall.DirectoryFsync"/>, when it returns (ext4's <c>auto_da_alloc</c>).
    /// </summary>
    public bool ReplacingRenamePersistsData { get; init; }

    /// <summary>
    /// Whether name changes not yet made durable persist in the order they were made (a journal commits them
    /// in order; default): a crash image's names are those of one directory state between the last guaranteed
    /// one and the one in memory (a prefix of the changes). When false, each name changed since the guaranteed
    /// state keeps any of the values it had since, independently of the others (any subset of the changes, a
    /// rename's two halves too); at most 4096 such mixes per crash point, fewest changed names first. An fsync of a
    /// file that persists its name (<see cref="FileFsyncPersistsName"/>) still fixes the directory state at that point.
    /// </summary>
    public bool UnsyncedChangesPersistInOrder { get; init; } = true;
}
