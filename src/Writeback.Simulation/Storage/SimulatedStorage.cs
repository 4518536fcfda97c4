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
/// <see cref="Delete"/>, <see cref="Rename"/>, <see cref="FlushDirectory()"/>, and on files <c>Write</c>,
/// <c>SetLength</c>, <c>Flush(offset, length)</c>, <c>Flush()</c>, <c>FlushFile</c>, <c>StartWriteback</c>
/// and <c>FlushAsync</c>. Reads, spans, <see cref="Exists"/> and <c>Dispose</c> are not calls. A call is
/// recorded before its arguments are checked, so a call that throws is still recorded (and guarantees
/// nothing), exactly as <see cref="CallLimitedStorage"/> counts it.</para>
/// <para>Crash point <c>i</c> is the moment just before recorded call <c>i</c> executes: its memory holds
/// every store made so far, including stores through spans, which are detected by comparing the
/// pages handed out as spans at each call. Crash point <c>N</c> (the call count) is after the last call.</para>
/// </remarks>
public sealed class SimulatedStorage : IMappedStorage
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
    /// When set, the calls recorded from now on are described by this text instead of the API call's:
    /// a replayed program's own call (e.g. <c>msync(data.bin, offset 0, 4096, MS_SYNC) in pid 7</c>), so
    /// crash points are named as the program made them.
    /// </summary>
    internal string? CallDescription
    {
        get => _recorder.DescriptionOverride;
        set => _recorder.DescriptionOverride = value;
    }

    /// <summary>
    /// When set, the durability calls recorded from now on have this model call's effect instead of the
    /// API call's: a replayed program's <c>fdatasync</c> (recorded through <c>Flush()</c>), <c>O_DSYNC</c>
    /// write (through <c>Flush(offset, length)</c>), <c>MS_ASYNC</c> msync, <c>sync</c>, so every model
    /// judges the program's own call.
    /// </summary>
    internal ModelCall? ModelCall
    {
        get => _recorder.ModelCallOverride;
        set => _recorder.ModelCallOverride = value;
    }

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

    /// <summary>mkdir(2) of a '/'-separated path under the root (for replaying traced programs).</summary>
    internal void CreateDirectory(string path) => _front.CreateDirectory(path);

    /// <summary>link(2): a second name for a file (for replaying traced programs); durable once its directory is flushed.</summary>
    internal void Link(string sourceName, string targetName) => _front.Link(sourceName, targetName);

    /// <summary>rmdir(2) of an empty directory.</summary>
    internal void RemoveDirectory(string path) => _front.RemoveDirectory(path);

    /// <summary>fsync(2) of one directory ("" is the root): makes durable the names in it, not in its subdirectories or its own name.</summary>
    internal void FlushDirectory(string path) => _front.FlushDirectory(path);

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
