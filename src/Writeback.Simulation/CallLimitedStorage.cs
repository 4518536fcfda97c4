using Writeback.Simulation.Model;

namespace Writeback.Simulation;

/// <summary>
/// Wraps any <see cref="IMappedStorage"/> (a real <c>DirectoryStorage</c>, for instance on a LossyFs
/// mount) and its files, counts the persistence-relevant calls exactly as <see cref="SimulatedStorage"/>
/// records them, and throws <see cref="CrashPointReachedException"/> when call number
/// <c>stopBeforeCall</c> is about to execute: the workload is stopped at that crash point, so the
/// real post-crash image can be compared with what a <see cref="KernelModel"/> allows there
/// (<see cref="SimulationRecord.Allows"/>).
/// </summary>
/// <remarks>
/// Counted, in the order made: <c>Open</c>, <c>Delete</c>, <c>Rename</c>, <c>FlushDirectory</c>, and on
/// files <c>Write</c>, <c>SetLength</c>, <c>Flush(offset, length)</c>, <c>Flush()</c>, <c>FlushFile</c>,
/// <c>StartWriteback</c>, <c>FlushAsync</c>. A call is counted before it is passed on, so a call that
/// throws is counted, as the simulator records it.
/// </remarks>
public sealed class CallLimitedStorage : IMappedStorage
{
    private readonly IMappedStorage _inner;
    private readonly int _stopBeforeCall;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The storage the calls go to.</param>
    /// <param name="stopBeforeCall">The index of the first call not to execute; <see cref="int.MaxValue"/> (or any value past the end) never stops.</param>
    public CallLimitedStorage(IMappedStorage inner, int stopBeforeCall)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(stopBeforeCall);
        _inner = inner;
        _stopBeforeCall = stopBeforeCall;
    }

    /// <summary>How many calls have executed (or been passed on and thrown).</summary>
    public int CallCount { get; private set; }

    /// <inheritdoc/>
    public IMappedFile Open(string name, MappedFileOptions? options = null)
    {
        Count(CallText.Open(name, (options ?? new MappedFileOptions()).Mode));
        return new CallLimitedFile(this, _inner.Open(name, options));
    }

    /// <inheritdoc/>
    public bool Exists(string name) => _inner.Exists(name);

    /// <inheritdoc/>
    public void Delete(string name)
    {
        Count(CallText.Delete(name));
        _inner.Delete(name);
    }

    /// <inheritdoc/>
    public void Rename(string sourceName, string targetName)
    {
        Count(CallText.Rename(sourceName, targetName));
        _inner.Rename(sourceName, targetName);
    }

    /// <inheritdoc/>
    public void FlushDirectory()
    {
        Count(CallText.FlushDirectory);
        _inner.FlushDirectory();
    }

    /// <summary>Counts one call, or stops the workload if it is the call to stop before.</summary>
    private void Count(string call)
    {
        if (CallCount == _stopBeforeCall)
        {
            throw new CrashPointReachedException(CallCount, call);
        }
        CallCount++;
    }

    /// <summary>A file of a <see cref="CallLimitedStorage"/>: counts its calls, passes everything on.</summary>
    private sealed class CallLimitedFile(CallLimitedStorage storage, IMappedFile inner) : IMappedFile
    {
        public string Name => inner.Name;

        public long Length => inner.Length;

        public int PageSize => inner.PageSize;

        public FlushSemantics Semantics => inner.Semantics;

        public Span<byte> GetSpan(long offset, int length) => inner.GetSpan(offset, length);

        public ReadOnlySpan<byte> GetReadOnlySpan(long offset, int length) => inner.GetReadOnlySpan(offset, length);

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
            storage.Count(CallText.Write(Name, offset, source.Length));
            inner.Write(offset, source);
        }

        public void Read(long offset, Span<byte> destination) => inner.Read(offset, destination);

        public void SetLength(long length)
        {
            storage.Count(CallText.SetLength(Name, length));
            inner.SetLength(length);
        }

        public void Flush(long offset, long length)
        {
            storage.Count(CallText.Flush(Name, offset, length));
            inner.Flush(offset, length);
        }

        public void Flush()
        {
            storage.Count(CallText.FlushMapping(Name));
            inner.Flush();
        }

        public void FlushFile()
        {
            storage.Count(CallText.FlushFile(Name));
            inner.FlushFile();
        }

        public void StartWriteback(long offset, long length)
        {
            storage.Count(CallText.StartWriteback(Name, offset, length));
            inner.StartWriteback(offset, length);
        }

        public Task FlushAsync(long offset, long length, CancellationToken cancellationToken = default)
        {
            storage.Count(CallText.FlushAsync(Name, offset, length));
            return inner.FlushAsync(offset, length, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
