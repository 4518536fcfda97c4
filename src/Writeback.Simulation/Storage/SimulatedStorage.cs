using Writeback.Simulation.Recording;
using Writeback.Simulation.Storage;

namespace Writeback.Simulation;

/// <summary>
/// An in-memory <see cref="IMappedStorage"/> that records every persistence-relevant call with the
/// page versions at that moment, so that <see cref="CrashExplorer"/> can derive every post-crash
/// image a <see cref="KernelModel"/> allows.
/// </summary>
/// <remarks>
/// <para>It is a recording decorator over an in-memory store. Recorded calls: <see cref="Open"/>,
/// <see cref="Delete"/>, <see cref="Rename"/>, <see cref="FlushDirectory()"/>, <see cref="FlushDirectory(string)"/>,
/// <see cref="CreateDirectory"/>, <see cref="RemoveDirectory"/>, and on files <c>Write</c>,
/// <c>SetLength</c>, <c>Flush(offset, length)</c>, <c>Flush()</c>, <c>FlushFile</c>, <c>StartWriteback</c>
/// and <c>FlushAsync</c>. Reads, spans, <see cref="Exists"/>, <see cref="DirectoryExists"/>,
/// <see cref="ListDirectory"/> and <c>Dispose</c> are not calls. A call is
/// recorded before its arguments are checked, so a call that throws is still recorded (and guarantees
/// nothing), exactly as <see cref="CallLimitedStorage"/> counts it.</para>
/// <para>Crash point <c>i</c> is the moment just before recorded call <c>i</c> executes: its memory holds
/// every store made so far, including stores through spans, which are detected by comparing the
/// pages handed out as spans at each call. Crash point <c>N</c> (the call count) is after the last call.</para>
/// </remarks>
public sealed class SimulatedStorage : ISubdirectoryStorage
{
    private readonly Recorder _recorder;
    private readonly CallRecordingStorage _front;

    /// <summary>Creates an empty storage that records the calls made on it.</summary>
    /// <param name="pageSizeBytes">The simulated page size, a power of two of at least 512. Default 4096.</param>
    public SimulatedStorage(int pageSizeBytes = 4096)
        : this(pageSizeBytes, faults: null)
    {
    }

    /// <summary>Creates an empty recording storage whose durability calls fail as <paramref name="faults"/> says.</summary>
    /// <param name="pageSizeBytes">The simulated page size, a power of two of at least 512.</param>
    /// <param name="faults">The durability calls to fail (<see cref="StorageFaults.FailingCalls"/>), or <see langword="null"/>.</param>
    public SimulatedStorage(int pageSizeBytes, StorageFaults? faults)
    {
        if (pageSizeBytes < 512 || !int.IsPow2(pageSizeBytes))
        {
            throw new ArgumentOutOfRangeException(nameof(pageSizeBytes), pageSizeBytes, "The page size must be a power of two of at least 512 bytes.");
        }
        PageSizeBytes = pageSizeBytes;
        faults?.Validate();
        var memory = new MemoryStorage(pageSizeBytes);
        _recorder = new Recorder(memory, faults);
        _front = new CallRecordingStorage(memory, _recorder);
    }

    /// <summary>The simulated page size in bytes.</summary>
    public int PageSizeBytes { get; }

    /// <summary>How many calls have been recorded so far: the index the next call will get.</summary>
    public int CallCount => _recorder.CallCount;

    /// <summary>
    /// When set, the calls recorded from now on are described by this text instead of the API call's,
    /// in reports and in <see cref="CrashContext.CrashPointName"/>: e.g. a replayed program's own call
    /// (<c>msync(data.bin, offset 0, 4096, MS_SYNC) in pid 7</c>), so crash points are named as the
    /// program made them. Null (the default) describes each call by the API call.
    /// </summary>
    public string? CallDescription
    {
        get => _recorder.DescriptionOverride;
        set => _recorder.DescriptionOverride = value;
    }

    /// <summary>
    /// When set, the durability calls recorded from now on have this model call's effect instead of the
    /// API call's: a replayed program's <c>fdatasync</c> (recorded through <c>Flush()</c>), <c>O_DSYNC</c>
    /// write (through <c>Flush(offset, length)</c>), <c>MS_ASYNC</c> msync, <c>sync</c>, so every model
    /// judges the program's own call. Null (the default) gives each API call its own model call
    /// (<see cref="ModelCall"/> lists the mapping). Calls without a durability effect (writes, renames)
    /// are not changed by it.
    /// </summary>
    /// <example><code>
    /// storage.ModelCall = ModelCall.Fdatasync;   // the program called fdatasync(fd)
    /// file.FlushFile();
    /// storage.ModelCall = null;
    /// </code></example>
    public ModelCall? ModelCall
    {
        get => _recorder.ModelCallOverride is { } call && call == ModelCalls.InitialState ? null : _recorder.ModelCallOverride;
        set
        {
            if (value is { } call && !Enum.IsDefined(call))
            {
                throw new ArgumentOutOfRangeException(nameof(value), call, "SimulatedStorage.ModelCall: not a ModelCall member");
            }
            _recorder.ModelCallOverride = value;
        }
    }

    /// <summary>
    /// Runs <paramref name="setUp"/> with every durability call it makes durable by definition under
    /// every model (every page, length and name stable): for building a workload's initial state, e.g. the
    /// files a replayed program found before it ran. Call <see cref="EndSetup"/> afterwards so no crash
    /// point inside the set-up is explored. <see cref="ModelCall"/> is restored afterwards, also when
    /// <paramref name="setUp"/> throws.
    /// </summary>
    /// <param name="setUp">The calls creating the initial state (create, write, flush, directory fsync).</param>
    public void SetUpInitialState(Action setUp)
    {
        ArgumentNullException.ThrowIfNull(setUp);
        var previous = _recorder.ModelCallOverride;
        _recorder.ModelCallOverride = ModelCalls.InitialState;
        try
        {
            setUp();
        }
        finally
        {
            _recorder.ModelCallOverride = previous;
        }
    }

    /// <summary>
    /// Ends the workload's setup: the calls recorded so far only create its initial state (which the
    /// workload must have made durable: files flushed, directories flushed), so no crash before this
    /// point is explored (<see cref="SimulationRecord.FirstExploredCrashPoint"/>). Crash points keep
    /// their indices. Calling it again moves the point.
    /// </summary>
    public void EndSetup() => _recorder.SetupCallCount = _recorder.CallCount;

    /// <inheritdoc/>
    public IMappedFile Open(string name, MappedFileOptions? options = null) => _front.Open(name, options);

    /// <inheritdoc/>
    public bool Exists(string name) => _front.Exists(name);

    /// <inheritdoc/>
    public void Delete(string name) => _front.Delete(name);

    /// <inheritdoc/>
    public void Rename(string sourceName, string targetName) => _front.Rename(sourceName, targetName);

    /// <inheritdoc/>
    public void FlushDirectory() => _front.FlushDirectory();

    /// <inheritdoc/>
    public void CreateDirectory(string path) => _front.CreateDirectory(path);

    /// <summary>
    /// link(2): gives the file named <paramref name="sourceName"/> a second name, <paramref name="targetName"/>
    /// (both paths relative to the storage root; the target must not exist). Both names reach the same
    /// file; the new name is durable once its directory is flushed (<see cref="FlushDirectory(string)"/>).
    /// </summary>
    /// <param name="sourceName">An existing file.</param>
    /// <param name="targetName">The new name, in an existing directory.</param>
    public void Link(string sourceName, string targetName) => _front.Link(sourceName, targetName);

    /// <inheritdoc/>
    public void RemoveDirectory(string path) => _front.RemoveDirectory(path);

    /// <inheritdoc/>
    public void FlushDirectory(string path) => _front.FlushDirectory(path);

    /// <inheritdoc/>
    public bool DirectoryExists(string path) => _front.DirectoryExists(path);

    /// <inheritdoc/>
    public IReadOnlyList<string> ListDirectory(string path) => _front.ListDirectory(path);

    /// <summary>Whether <paramref name="exception"/> is (or wraps) a failure this storage injected.</summary>
    internal bool IsInjectedFailure(Exception exception) =>
        exception is WritebackException failure && _recorder.IsInjectedFailure(failure)
        || exception is AggregateException { InnerExceptions: [var single] } && IsInjectedFailure(single);

    /// <summary>The last recorded call in words, or null.</summary>
    internal string? DescribeLastCall() => _recorder.LastCallDescription;

    /// <summary>Ends the recording: cuts the versions visible after the last call and freezes everything.</summary>
    internal SimulationRecord Finish(string scenarioName, Acknowledgements acknowledged)
    {
        _front.CompleteFlushes();
        return _recorder.Finish(scenarioName, acknowledged);
    }
}
