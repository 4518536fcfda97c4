namespace Writeback.Simulation;

/// <summary>How <see cref="CrashExplorer"/> explores. Immutable; derive variants with <c>with</c>.</summary>
public sealed record ExplorerOptions
{
    /// <summary>The crash kinds to explore. Default: all three.</summary>
    public IReadOnlyList<CrashKind> CrashKinds { get; init; } = [CrashKind.ProcessCrash, CrashKind.KernelCrash, CrashKind.PowerLoss];

    /// <summary>
    /// The device's atomic write unit in bytes (research 7.4): 4096 (the default) means a page is
    /// written whole or not at all; 512 lets a page under writeback tear into 8 independent sectors
    /// at <see cref="CrashKind.PowerLoss"/>. Must divide the page size.
    /// </summary>
    public int AtomicWriteBytes { get; init; } = 4096;

    /// <summary>The seed of the random samples. The same seed gives the same report. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Crash points with at most this many post-crash states are explored exhaustively; above it,
    /// every state within <see cref="BoundedDeviations"/> choices of "all lost" and of "all kept" is
    /// checked, plus <see cref="RandomSamplesPerCrashPoint"/> seeded random states. Default 4096.
    /// </summary>
    public int MaxStatesPerCrashPoint { get; init; } = 4096;

    /// <summary>How many choices (pages, lengths, directory) may deviate from "all lost" or "all kept" in bounded exploration. Default 1.</summary>
    public int BoundedDeviations { get; init; } = 1;

    /// <summary>How many seeded random states bounded exploration adds per crash point and kind. Default 64.</summary>
    public int RandomSamplesPerCrashPoint { get; init; } = 64;

    /// <summary>
    /// Whether a crash point collapses the contents of
    /// each file no durability call has covered yet (no version of its pages or length guaranteed at the crash
    /// kind's level) to three representatives: all its changes lost, all kept, one seeded sample. The other
    /// choices are explored as usual, each state with every representative; where the checker's verdicts differ
    /// across them, the file's contents matter and that crash point is explored in full. Names are never
    /// collapsed; a crash point where collapsing would not save states, or one explored bounded that the next
    /// dominates (it checks two images), is explored as without the reduction. Default <see langword="true"/>; <see langword="false"/> explores every crash point in full.
    /// </summary>
    public bool ReduceUncoveredFiles { get; init; } = true;

    /// <summary>How many threads check states. Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>This run's shard, 0-based: it explores the crash points <c>i</c> with <c>i % ShardCount == ShardIndex</c>.</summary>
    public int ShardIndex { get; init; }

    /// <summary>Into how many shards the crash points are split. Default 1 (no sharding).</summary>
    public int ShardCount { get; init; } = 1;

    /// <summary>Whether each failure gets a shrunk state. Default <see langword="true"/>.</summary>
    public bool Shrink { get; init; } = true;

    /// <summary>
    /// Stop at the first failing crash point found. Which one is found first depends on thread
    /// timing, so reports of such runs are not reproducible byte for byte. Default <see langword="false"/>.
    /// </summary>
    public bool StopAtFirstFailure { get; init; }

    /// <summary>Storage faults to inject while recording (<see cref="CrashExplorer.Explore(ICrashScenario)"/>), or <see langword="null"/> for none.</summary>
    public StorageFaults? StorageFaults { get; init; }

    /// <summary>Receives progress reports, or <see langword="null"/>.</summary>
    public IProgress<ExplorationProgress>? Progress { get; init; }

    internal void Validate(int pageSizeBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ShardCount, 1, nameof(ShardCount));
        ArgumentOutOfRangeException.ThrowIfNegative(ShardIndex, nameof(ShardIndex));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ShardIndex, ShardCount, nameof(ShardIndex));
        ArgumentOutOfRangeException.ThrowIfLessThan(Parallelism, 1, nameof(Parallelism));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStatesPerCrashPoint, 1, nameof(MaxStatesPerCrashPoint));
        ArgumentOutOfRangeException.ThrowIfNegative(BoundedDeviations, nameof(BoundedDeviations));
        ArgumentOutOfRangeException.ThrowIfNegative(RandomSamplesPerCrashPoint, nameof(RandomSamplesPerCrashPoint));
        ArgumentNullException.ThrowIfNull(CrashKinds, nameof(CrashKinds));
        StorageFaults?.Validate();
        if (CrashKinds.FirstOrDefault(kind => !Enum.IsDefined(kind)) is var unknown && !Enum.IsDefined(unknown))
        {
            throw new ArgumentOutOfRangeException(nameof(CrashKinds), unknown, "Not a crash kind.");
        }
        if (AtomicWriteBytes < 1 || pageSizeBytes % AtomicWriteBytes != 0 && AtomicWriteBytes % pageSizeBytes != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(AtomicWriteBytes), AtomicWriteBytes,
                $"The atomic write unit must divide the page size ({pageSizeBytes} bytes) or be a multiple of it.");
        }
        if (pageSizeBytes / Math.Min(AtomicWriteBytes, pageSizeBytes) > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(AtomicWriteBytes), AtomicWriteBytes,
                "At most 64 atomic units per page are modelled.");
        }
    }
}
