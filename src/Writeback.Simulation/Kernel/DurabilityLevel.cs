namespace Writeback.Simulation
{
    /// <summary>
    /// How far a page, length or name has travelled towards stable media (research 7.1), and so which
    /// crash kinds it survives: every level survives a <see cref="CrashKind.ProcessCrash"/>.
    /// </summary>
    public enum DurabilityLevel
    {
        /// <summary>Only in memory (the page cache): survives a process crash only. In a model file: <c>"none"</c>.</summary>
        None = 0,

        /// <summary>Acknowledged by the device, possibly only in its volatile cache: survives a kernel crash, not power loss. In a model file: <c>"deviceCache"</c>.</summary>
        DeviceCache = 1,

        /// <summary>On stable media: survives a kernel crash and power loss. In a model file: <c>"stable"</c>.</summary>
        Stable = 2,
    }
}

namespace Writeback.Simulation.Kernel
{
    /// <summary>What one durability call makes durable under a model, as the timeline applies it.</summary>
    /// <param name="Data">The level the covered pages reach when the call returns.</param>
    /// <param name="WholeFile">Whether the call covers every page of the file, whatever range it was given.</param>
    /// <param name="Length">The level the file's length reaches.</param>
    /// <param name="StartsIo">Whether the call puts the covered dirty pages in flight (I/O started, not awaited); no guarantee follows from it.</param>
    internal readonly record struct FlushEffect(DurabilityLevel Data, bool WholeFile, DurabilityLevel Length, bool StartsIo = false)
    {
        public static FlushEffect Nothing => new(DurabilityLevel.None, false, DurabilityLevel.None);

        /// <summary>Starts I/O on the range and guarantees nothing: sync_file_range(WRITE), MS_ASYNC on FreeBSD, FlushViewOfFile without waiting.</summary>
        public static FlushEffect InFlightOnly => new(DurabilityLevel.None, false, DurabilityLevel.None, StartsIo: true);

        /// <summary>The timeline's form of a model's <see cref="CallEffect"/>.</summary>
        public static FlushEffect From(CallEffect effect) =>
            new(effect.Data, effect.Covers == CallCoverage.WholeFile, effect.Length, effect.StartsIo);
    }
}
