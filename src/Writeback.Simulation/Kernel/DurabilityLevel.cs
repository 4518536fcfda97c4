namespace Writeback.Simulation.Kernel;

/// <summary>How far a page, length or name has travelled towards stable media (research 7.1).</summary>
internal enum DurabilityLevel
{
    /// <summary>Only in memory (the page cache): survives a process crash only.</summary>
    None = 0,

    /// <summary>Acknowledged by the device, possibly only in its volatile cache (C): survives a kernel crash.</summary>
    DeviceCache = 1,

    /// <summary>On stable media (S): survives power loss.</summary>
    Stable = 2,
}

/// <summary>What one durability call makes durable under a model.</summary>
/// <param name="Data">The level the covered pages reach when the call returns.</param>
/// <param name="WholeFile">Whether the call covers every page of the file, whatever range it was given.</param>
/// <param name="Length">The level the file's length reaches.</param>
/// <param name="StartsIo">Whether the call puts the covered dirty pages in flight (I/O started, not awaited); no guarantee follows from it.</param>
internal readonly record struct FlushEffect(DurabilityLevel Data, bool WholeFile, DurabilityLevel Length, bool StartsIo = false)
{
    public static FlushEffect Nothing => new(DurabilityLevel.None, false, DurabilityLevel.None);

    /// <summary>Starts I/O on the range and guarantees nothing: sync_file_range(WRITE), MS_ASYNC on FreeBSD, FlushViewOfFile without waiting.</summary>
    public static FlushEffect InFlightOnly => new(DurabilityLevel.None, false, DurabilityLevel.None, StartsIo: true);
}
