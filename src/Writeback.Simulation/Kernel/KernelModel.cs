using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using Writeback.Simulation.Kernel;

namespace Writeback.Simulation;

/// <summary>
/// A kernel's (or operating system's) flush semantics as a value: for every durability call the
/// simulator replays (<see cref="ModelCall"/>), what it makes durable when it returns, per crash kind
/// (<see cref="CallEffect"/>), and how names behave (<see cref="NameSemantics"/>). The simulator reads
/// every guarantee from this value, never from the model's name.
/// </summary>
/// <remarks>
/// Common to all models: stores, writes and length changes guarantee nothing by themselves; background
/// writeback may persist any dirty page, with any of its recorded versions, in any order, at any time
/// (research 7.1), so every unguaranteed page may be lost or kept. A process crash loses nothing. The
/// seven built-in models are model files shipped inside this assembly (<c>writeback models show NAME</c>
/// prints one); <see cref="Load"/> reads a user's file, and the constructor builds the same value in C#.
/// </remarks>
public sealed class KernelModel
{
    private readonly IReadOnlyDictionary<ModelCall, CallEffect> _calls;
    private readonly FlushEffect[] _effects;

    /// <summary>Builds a model in C#, checked exactly as a model file is (<see cref="ModelFileException"/> names the call and what is allowed).</summary>
    /// <param name="name">The model's name, as reports print it (no spaces).</param>
    /// <param name="description">What every call guarantees, in one paragraph.</param>
    /// <param name="calls">The effect of every <see cref="ModelCall"/>; none may be missing.</param>
    /// <param name="names">The name rules; default: <see cref="NameSemantics"/>'s defaults (strict POSIX).</param>
    /// <exception cref="ModelFileException">A call is missing, or the effects contradict each other.</exception>
    public KernelModel(string name, string description, IReadOnlyDictionary<ModelCall, CallEffect> calls, NameSemantics? names = null)
        : this(name, description, calls, names ?? new NameSemantics(), $"C# model {name}")
    {
    }

    internal KernelModel(string name, string description, IReadOnlyDictionary<ModelCall, CallEffect> calls, NameSemantics names, string source)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(names);
        ModelFile.Check(calls, names, name, source);
        Name = name;
        Description = description ?? "";
        Names = names;
        _calls = new ReadOnlyDictionary<ModelCall, CallEffect>(Enum.GetValues<ModelCall>().ToDictionary(call => call, call => calls[call]));
        _effects = [.. Enum.GetValues<ModelCall>().Select(call => FlushEffect.From(calls[call]))];
        Source = source;
    }

    /// <summary>Linux 2.6.19 to 3.15: <c>msync(MS_SYNC)</c> ignores its range and runs a full <c>fsync</c> of the file (research 7.2 variant 1).</summary>
    public static KernelModel Linux2_6_19To3_15WholeFile { get; } = BuiltIn(nameof(Linux2_6_19To3_15WholeFile));

    /// <summary>Linux 3.16 and later (commit 7fc34a62ca44), the default: <c>msync(MS_SYNC)</c> is an <c>fdatasync</c> of the page-rounded range only (research 7.2 variant 2).</summary>
    public static KernelModel Linux3_16Range { get; } = BuiltIn(nameof(Linux3_16Range));

    /// <summary>
    /// Bonzini's 2012 proposal on today's range msync: <c>MS_ASYNC</c> starts I/O on the range without
    /// waiting (research 7.2 variant 3). Starting I/O guarantees nothing at any crash kind, so every
    /// verdict equals <see cref="Linux3_16Range"/>'s: that is the answer to the 2012 question.
    /// </summary>
    public static KernelModel MsAsyncStartsIo { get; } = BuiltIn(nameof(MsAsyncStartsIo));

    /// <summary>Windows, flushing only with <c>FlushViewOfFile</c> (what .NET's <c>MemoryMappedViewAccessor.Flush</c> does): writes are initiated, not awaited (research 7.2 variant 6).</summary>
    public static KernelModel WindowsFlushViewOnly { get; } = BuiltIn(nameof(WindowsFlushViewOnly));

    /// <summary>Windows, <c>FlushViewOfFile</c> then <c>FlushFileBuffers</c> for every flush: data and metadata stable (research 7.2 variant 6b).</summary>
    public static KernelModel WindowsFlushViewAndBuffers { get; } = BuiltIn(nameof(WindowsFlushViewAndBuffers));

    /// <summary>macOS: <c>msync(MS_SYNC)</c> waits for the drive's acknowledgement but issues no <c>F_FULLFSYNC</c>: survives a kernel crash, not power loss (research 7.2 variant 5).</summary>
    public static KernelModel MacOsMsyncWithoutFullFsync { get; } = BuiltIn(nameof(MacOsMsyncWithoutFullFsync));

    /// <summary>FreeBSD: <c>msync(MS_SYNC)</c> over a partial range writes it synchronously without <c>VOP_FSYNC</c>; over the whole object it adds <c>VOP_FSYNC</c> (research 7.2 variant 7).</summary>
    public static KernelModel FreeBsd { get; } = BuiltIn(nameof(FreeBsd));

    /// <summary>Every built-in model, in the order above.</summary>
    public static IReadOnlyList<KernelModel> All { get; } =
    [
        Linux2_6_19To3_15WholeFile, Linux3_16Range, MsAsyncStartsIo, WindowsFlushViewOnly,
        WindowsFlushViewAndBuffers, MacOsMsyncWithoutFullFsync, FreeBsd,
    ];

    /// <summary>
    /// ext4 with its default <c>data=ordered</c> journal on Linux 3.16+: <see cref="Linux3_16Range"/>, and an fsync of
    /// a file commits the jbd2 transaction that holds its name changes (<c>ext4_sync_file</c>), so the file's newest
    /// name becomes durable with it. Checked against real ext4 crash images by <c>writeback realfs</c>.
    /// </summary>
    public static KernelModel Ext4Ordered { get; } = BuiltIn(nameof(Ext4Ordered));

    /// <summary>
    /// XFS on Linux 3.16+: <see cref="Linux3_16Range"/>, and an fsync of a file forces the log up to the inode's last
    /// change (<c>xfs_file_fsync</c>), so the file's newest name becomes durable with it. Checked against real XFS crash
    /// images by <c>writeback realfs</c>.
    /// </summary>
    public static KernelModel Xfs { get; } = BuiltIn(nameof(Xfs));

    /// <summary>
    /// btrfs on Linux 3.16+: <see cref="Linux3_16Range"/> with strict names. An fsync logs the file's own new name
    /// (<c>btrfs_log_inode_parent</c>) but not the name changes before it, which the per-directory name rules cannot
    /// express, so the model allows more than btrfs gives, never less.
    /// </summary>
    public static KernelModel Btrfs { get; } = BuiltIn(nameof(Btrfs));

    /// <summary>The per-file-system models, shipped as model files like <see cref="All"/> but kept out of it (the bundled verdicts are documented for the kernel models).</summary>
    public static IReadOnlyList<KernelModel> FileSystems { get; } = [Ext4Ordered, Xfs, Btrfs];

    /// <summary>
    /// Every model shipped with the tool, each a name <see cref="TryParse"/> and <see cref="BuiltInFile"/> accept:
    /// the kernel models (<see cref="All"/>) and then the per-file-system ones (<see cref="FileSystems"/>).
    /// </summary>
    public static IReadOnlyList<KernelModel> Named { get; } = [.. All, .. FileSystems];

    /// <summary>The model's name, e.g. <c>Linux3_16Range</c>.</summary>
    public string Name { get; }

    /// <summary>What every call guarantees under this model, in one paragraph.</summary>
    public string Description { get; }

    /// <summary>The effect of every call.</summary>
    public IReadOnlyDictionary<ModelCall, CallEffect> Calls => _calls;

    /// <summary>How names behave.</summary>
    public NameSemantics Names { get; }

    /// <summary>Where the model came from: <c>built-in NAME</c>, a file's path, or <c>C# model NAME</c>.</summary>
    public string Source { get; }

    /// <summary>
    /// The full path of the model file <see cref="Load"/> read, or <see langword="null"/> for a
    /// built-in model or one made in code: what a reproduce line passes to <c>--model</c>, since
    /// a model file's name is not a built-in model's.
    /// </summary>
    public string? FilePath { get; private set; }

    /// <summary>Reads and checks a model file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ModelFileException">The file cannot be read, is not JSON, has an unknown key or level, misses a call, or contradicts itself.</exception>
    public static KernelModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, "$", $"cannot read the file: {e.Message}");
        }
        KernelModel model = ModelFile.Parse(json, path);
        model.FilePath = Path.GetFullPath(path);
        return model;
    }

    /// <summary>Parses and checks a model file's text.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">The file's name, for messages.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ModelFileException">The text is not a valid model.</exception>
    public static KernelModel Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        return ModelFile.Parse(json, source);
    }

    /// <summary>The model as a model file (every key), a starting point for a candidate.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => ModelFile.Write(this);

    /// <summary>The text of a built-in model's file, as shipped.</summary>
    /// <param name="name">A built-in model's name (any case).</param>
    /// <returns>The file's text, or null when there is no such built-in model.</returns>
    public static string? BuiltInFile(string name)
    {
        KernelModel? model = Named.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        return model is null ? null : ResourceText(model.Name);
    }

    /// <summary>The JSON Schema of model files, as shipped.</summary>
    public static string Schema => ResourceText("model.schema");

    /// <summary>The effect of <paramref name="call"/>.</summary>
    /// <param name="call">The call.</param>
    /// <returns>Its effect.</returns>
    public CallEffect EffectOf(ModelCall call) => _calls[call];

    internal FlushEffect Effect(ModelCall call) =>
        call == Recording.ModelCalls.InitialState ? new FlushEffect(DurabilityLevel.Stable, true, DurabilityLevel.Stable) : _effects[(int)call];

    /// <summary>The level a directory's entries reach at <paramref name="call"/> (a directory fsync, or sync).</summary>
    internal DurabilityLevel NamesLevel(ModelCall call) =>
        call == Recording.ModelCalls.InitialState ? DurabilityLevel.Stable : _calls[call].Names;

    /// <summary>Effect of <see cref="IMappedFile.Flush(long, long)"/> and <see cref="IMappedFile.FlushAsync"/>: <see cref="ModelCall.MsyncRangeSync"/>.</summary>
    internal FlushEffect RangeFlush => Effect(ModelCall.MsyncRangeSync);

    /// <summary>Effect of <see cref="IMappedFile.Flush()"/>: <see cref="ModelCall.MsyncWholeSync"/>.</summary>
    internal FlushEffect MappingFlush => Effect(ModelCall.MsyncWholeSync);

    /// <summary>Effect of <see cref="IMappedFile.FlushFile"/>: <see cref="ModelCall.Fsync"/>.</summary>
    internal FlushEffect FileFlush => Effect(ModelCall.Fsync);

    /// <summary>Effect of <see cref="IMappedFile.StartWriteback"/>: <see cref="ModelCall.SyncFileRangeWrite"/>.</summary>
    internal FlushEffect StartWritebackEffect => Effect(ModelCall.SyncFileRangeWrite);

    /// <summary>The level names reach at <see cref="IMappedStorage.FlushDirectory"/>: <see cref="ModelCall.DirectoryFsync"/>.</summary>
    internal DurabilityLevel DirectoryFlush => _calls[ModelCall.DirectoryFsync].Names;

    /// <summary>Finds a built-in model by name, ignoring case.</summary>
    /// <param name="name">A model name such as <c>linux3_16range</c>.</param>
    /// <param name="model">The model, when found.</param>
    /// <returns>Whether a built-in model of that name exists.</returns>
    public static bool TryParse(string name, [MaybeNullWhen(false)] out KernelModel model)
    {
        model = Named.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        return model is not null;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static KernelModel BuiltIn(string name)
    {
        KernelModel model = ModelFile.Parse(ResourceText(name), $"built-in {name}");
        return model.Name == name ? model : throw new InvalidOperationException($"The built-in model file {name}.json names itself {model.Name}.");
    }

    private static string ResourceText(string name)
    {
        using Stream stream = typeof(KernelModel).Assembly.GetManifestResourceStream($"Writeback.Simulation.Models.{name}.json")
            ?? throw new InvalidOperationException($"The built-in model file {name}.json is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
