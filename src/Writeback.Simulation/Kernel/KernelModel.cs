using System.Diagnostics.CodeAnalysis;
using Writeback.Simulation.Kernel;

namespace Writeback.Simulation;

/// <summary>
/// A kernel's (or operating system's) flush semantics: what each <see cref="IMappedFile"/> and
/// <see cref="IMappedStorage"/> call guarantees when it returns, per crash kind. The models follow
/// research section 7.2 and 7.5 (<c>shared/research/kernel-msync-semantics.md</c>).
/// </summary>
/// <remarks>
/// Common to all models: stores, <see cref="IMappedFile.Write"/> and <see cref="IMappedFile.SetLength"/>
/// guarantee nothing; background writeback may persist any dirty page, with any of its recorded
/// versions, in any order, at any time (7.1), so every unguaranteed page may be lost or kept. Names are
/// durable only after <see cref="IMappedStorage.FlushDirectory"/>; name changes not yet made durable
/// persist in the order they were made, as a journaling file system commits them. A process crash
/// loses nothing. Choices this project made where 7.2 leaves an option open are stated per model.
/// </remarks>
public sealed class KernelModel
{
    private static readonly FlushEffect StableWithLength = new(DurabilityLevel.Stable, false, DurabilityLevel.Stable);
    private static readonly FlushEffect StableWholeFile = new(DurabilityLevel.Stable, true, DurabilityLevel.Stable);
    private static readonly FlushEffect CacheOnly = new(DurabilityLevel.DeviceCache, false, DurabilityLevel.None);

    private KernelModel(string name, string description, FlushEffect rangeFlush, FlushEffect mappingFlush,
                        FlushEffect fileFlush, DurabilityLevel directoryFlush, FlushEffect? startWriteback = null)
    {
        StartWritebackEffect = startWriteback ?? FlushEffect.InFlightOnly;
        Name = name;
        Description = description;
        RangeFlush = rangeFlush;
        MappingFlush = mappingFlush;
        FileFlush = fileFlush;
        DirectoryFlush = directoryFlush;
    }

    /// <summary>
    /// Linux 2.6.19 to 3.15: <c>msync(MS_SYNC)</c> ignores its range and runs a full <c>fsync</c> of the
    /// file (research 7.2 variant 1). Every flush makes the whole file's data and length stable.
    /// </summary>
    public static KernelModel Linux2_6_19To3_15WholeFile { get; } = new(
        nameof(Linux2_6_19To3_15WholeFile),
        "Linux 2.6.19-3.15: Flush(range), Flush() and FlushFile() each fsync the whole file (data and length reach stable media); "
        + "StartWriteback (sync_file_range WRITE) starts I/O and guarantees nothing; FlushDirectory makes names stable.",
        StableWholeFile, StableWholeFile, StableWholeFile, DurabilityLevel.Stable);

    /// <summary>
    /// Linux 3.16 and later (commit 7fc34a62ca44), the default: <c>msync(MS_SYNC)</c> is an
    /// <c>fdatasync</c> of the page-rounded range only (research 7.2 variant 2).
    /// </summary>
    public static KernelModel Linux3_16Range { get; } = new(
        nameof(Linux3_16Range),
        "Linux 3.16+ (default): Flush(range) makes the page-rounded range and the length stable and nothing else; "
        + "Flush() the whole mapping; FlushFile() all data and metadata; StartWriteback guarantees nothing; FlushDirectory makes names stable.",
        StableWithLength, StableWholeFile, StableWholeFile, DurabilityLevel.Stable);

    /// <summary>
    /// Bonzini's 2012 proposal on today's range msync: <c>MS_ASYNC</c> starts I/O on the range
    /// without waiting (research 7.2 variant 3). In this API <see cref="IMappedFile.StartWriteback"/>
    /// already is <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>, which starts I/O under every Linux
    /// model, so this model behaves exactly as <see cref="Linux3_16Range"/>. It exists so the 2012
    /// question can be asked by name; every verdict being equal is the answer: starting I/O early
    /// shortens the window and guarantees nothing.
    /// </summary>
    public static KernelModel MsAsyncStartsIo { get; } = new(
        nameof(MsAsyncStartsIo),
        "The 2012 MS_ASYNC-starts-I/O proposal on a 3.16+ kernel: identical to Linux3_16Range, since StartWriteback already starts I/O there; "
        + "in-flight pages are guaranteed nothing at any crash kind, so no verdict changes.",
        StableWithLength, StableWholeFile, StableWholeFile, DurabilityLevel.Stable);

    /// <summary>
    /// Windows, flushing only with <c>FlushViewOfFile</c> (what .NET's <c>MemoryMappedViewAccessor.Flush</c>
    /// does): writes are initiated, not awaited, and no hardware cache flush is issued (research 7.2 variant 6).
    /// </summary>
    public static KernelModel WindowsFlushViewOnly { get; } = new(
        nameof(WindowsFlushViewOnly),
        "Windows, FlushViewOfFile only: Flush(range) and Flush() start writes without awaiting them (chosen option: in flight, not completed), "
        + "so nothing is guaranteed at a kernel crash or power loss; FlushFile() adds FlushFileBuffers (data and metadata stable); FlushDirectory makes names stable.",
        FlushEffect.InFlightOnly, FlushEffect.InFlightOnly with { WholeFile = true }, StableWholeFile, DurabilityLevel.Stable);

    /// <summary>Windows, <c>FlushViewOfFile</c> then <c>FlushFileBuffers</c> for every flush: data and metadata stable (research 7.2 variant 6b).</summary>
    public static KernelModel WindowsFlushViewAndBuffers { get; } = new(
        nameof(WindowsFlushViewAndBuffers),
        "Windows, FlushViewOfFile + FlushFileBuffers: Flush(range) makes the range and the length stable; Flush() the whole mapping; "
        + "FlushFile() everything; FlushDirectory makes names stable.",
        StableWithLength, StableWholeFile, StableWholeFile, DurabilityLevel.Stable);

    /// <summary>
    /// macOS: <c>msync(MS_SYNC)</c> waits for the drive to acknowledge the range but issues no
    /// <c>F_FULLFSYNC</c>, so it survives a kernel crash, not power loss (research 7.2 variant 5).
    /// </summary>
    public static KernelModel MacOsMsyncWithoutFullFsync { get; } = new(
        nameof(MacOsMsyncWithoutFullFsync),
        "macOS: Flush(range) and Flush() reach the drive's volatile cache only (kernel crash: kept; power loss: any reordered subset); "
        + "FlushFile() and FlushDirectory() use F_FULLFSYNC (stable). MS_ASYNC modelled as a no-op (chosen option).",
        CacheOnly, new(DurabilityLevel.DeviceCache, true, DurabilityLevel.None), StableWholeFile, DurabilityLevel.Stable,
        startWriteback: FlushEffect.Nothing);

    /// <summary>
    /// FreeBSD: <c>msync(MS_SYNC)</c> over a partial range writes the range synchronously without
    /// <c>VOP_FSYNC</c> (no metadata, no device flush); over the whole object it adds <c>VOP_FSYNC</c>
    /// (research 7.2 variant 7).
    /// </summary>
    public static KernelModel FreeBsd { get; } = new(
        nameof(FreeBsd),
        "FreeBSD: Flush(range) writes the range synchronously without VOP_FSYNC (survives a kernel crash, not power loss; length not covered); "
        + "Flush() over the whole object and FlushFile() make data and metadata stable; MS_ASYNC starts I/O; FlushDirectory makes names stable.",
        CacheOnly, StableWholeFile, StableWholeFile, DurabilityLevel.Stable);

    /// <summary>
    /// ext4 with its default <c>data=ordered</c> journal on Linux 3.16+: <see cref="Linux3_16Range"/>,
    /// plus an fsync of any file commits the running jbd2 transaction, which holds every namespace
    /// change made before it (creates, renames, unlinks, mkdirs), so <see cref="IMappedFile.FlushFile"/>
    /// makes every name change before it durable (ext4_sync_file waits for the commit of the
    /// inode's i_sync_tid; a journal commit is the whole transaction). What it does not model
    /// (it allows more than ext4 gives, never less): <c>auto_da_alloc</c>'s data flush before a
    /// rename or truncate that replaces a file, and fdatasync's commit when the size changed.
    /// Checked against real ext4 crash images by <c>writeback realfs</c> (docs/realfs.md).
    /// </summary>
    public static KernelModel Ext4Ordered { get; } = new(
        nameof(Ext4Ordered),
        "ext4 data=ordered (Linux 3.16+): as Linux3_16Range, and FlushFile (fsync) commits the journal transaction holding every earlier name change, "
        + "so all names created, renamed or removed before it are durable; FlushDirectory makes names stable.",
        StableWithLength, StableWholeFile, StableWholeFile, DurabilityLevel.Stable) { FileFlushCommitsNamespace = true };

    /// <summary>
    /// XFS on Linux 3.16+: <see cref="Linux3_16Range"/>, plus an fsync of a file forces the log up to
    /// the inode's last change, and the log commits transactions in order, so every earlier name
    /// change is durable after <see cref="IMappedFile.FlushFile"/> (xfs_file_fsync, xfs_log_force_seq).
    /// Checked against real XFS crash images by <c>writeback realfs</c> (docs/realfs.md).
    /// </summary>
    public static KernelModel Xfs { get; } = new(
        nameof(Xfs),
        "XFS (Linux 3.16+): as Linux3_16Range, and FlushFile (fsync) forces the log, which commits every earlier name change in order; FlushDirectory makes names stable.",
        StableWithLength, StableWholeFile, StableWholeFile, DurabilityLevel.Stable) { FileFlushCommitsNamespace = true };

    /// <summary>
    /// btrfs on Linux 3.16+: an fsync writes the file's own items to the log tree (btrfs_sync_file,
    /// btrfs_log_inode_parent), including its new name and new parent directories, but not other
    /// files' name changes; this simulator guarantees names per directory only, so the model keeps
    /// <see cref="Linux3_16Range"/>'s strict names (it allows more than btrfs gives, never less).
    /// Checked against real btrfs crash images by <c>writeback realfs</c> (docs/realfs.md).
    /// </summary>
    public static KernelModel Btrfs { get; } = new(
        nameof(Btrfs),
        "btrfs (Linux 3.16+): as Linux3_16Range; fsync logs the file's own new name too, which names-per-directory cannot express, so names stay strict: durable after FlushDirectory.",
        StableWithLength, StableWholeFile, StableWholeFile, DurabilityLevel.Stable);

    /// <summary>The per-file-system models (not in <see cref="All"/>: the kernel models the bundled verdicts are documented for).</summary>
    public static IReadOnlyList<KernelModel> FileSystems { get; } = [Ext4Ordered, Xfs, Btrfs];

    /// <summary>Every model, in the order above.</summary>
    public static IReadOnlyList<KernelModel> All { get; } =
    [
        Linux2_6_19To3_15WholeFile, Linux3_16Range, MsAsyncStartsIo, WindowsFlushViewOnly,
        WindowsFlushViewAndBuffers, MacOsMsyncWithoutFullFsync, FreeBsd,
    ];

    /// <summary>The model's name: the name of its static property, e.g. <c>Linux3_16Range</c>.</summary>
    public string Name { get; }

    /// <summary>What every call guarantees under this model, in one paragraph.</summary>
    public string Description { get; }

    /// <summary>Effect of <see cref="IMappedFile.Flush(long, long)"/> and <see cref="IMappedFile.FlushAsync"/>.</summary>
    internal FlushEffect RangeFlush { get; }

    /// <summary>Effect of <see cref="IMappedFile.Flush()"/>.</summary>
    internal FlushEffect MappingFlush { get; }

    /// <summary>Effect of <see cref="IMappedFile.FlushFile"/>.</summary>
    internal FlushEffect FileFlush { get; }

    /// <summary>Effect of <see cref="IMappedFile.StartWriteback"/>: in flight (guarantees nothing), or nothing at all.</summary>
    internal FlushEffect StartWritebackEffect { get; }

    /// <summary>Whether <see cref="IMappedFile.FlushFile"/> also makes every earlier name change durable (a journal commit of the whole transaction, as on ext4 and XFS).</summary>
    internal bool FileFlushCommitsNamespace { get; private init; }

    /// <summary>The level names reach at <see cref="IMappedStorage.FlushDirectory"/>.</summary>
    internal DurabilityLevel DirectoryFlush { get; }

    /// <summary>Finds a model by name, ignoring case.</summary>
    /// <param name="name">A model name such as <c>linux3_16range</c>.</param>
    /// <param name="model">The model, when found.</param>
    /// <returns>Whether a model of that name exists.</returns>
    public static bool TryParse(string name, [MaybeNullWhen(false)] out KernelModel model)
    {
        model = All.Concat(FileSystems).FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        return model is not null;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
