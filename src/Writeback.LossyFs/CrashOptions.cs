namespace Writeback.LossyFs;

/// <summary>What a crash keeps of the writes that were not yet durable.</summary>
public enum CrashKeep
{
    /// <summary>Nothing: every unsynced write is lost (the worst case a power cut allows).</summary>
    None,

    /// <summary>
    /// A seeded subset: each unsynced write is cut into <see cref="CrashOptions.AtomicWriteBytes"/>
    /// units aligned to file offsets, and each unit either reached the disk or did not, as a power
    /// cut during writeback could leave it (torn writes). Only bytes within the durable length are
    /// kept: a length change is metadata that the cut loses.
    /// </summary>
    Random,
}

/// <summary>Options of <see cref="LossyFileSystem.Crash"/>.</summary>
public sealed record CrashOptions
{
    /// <summary>What survives of the unsynced writes. Default: <see cref="CrashKeep.None"/>.</summary>
    public CrashKeep Keep { get; init; } = CrashKeep.None;

    /// <summary>Seed of the subset chosen by <see cref="CrashKeep.Random"/>; the same seed over the same state keeps the same bytes.</summary>
    public ulong Seed { get; init; }

    /// <summary>The unit a write tears at with <see cref="CrashKeep.Random"/>: 512 models sectors, 4096 pages. Must be a positive multiple of 512.</summary>
    public int AtomicWriteBytes { get; init; } = 4096;
}
