using Writeback.Simulation.Recording;

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
/// <c>StartWriteback</c>, <c>FlushAsync</c> and the completion of each <c>FlushAsync</c>, counted when the
/// program waits for it (as the simulator records it). A call is counted before it is passed on, so a
/// call that throws is counted, as the simulator records it.
/// </remarks>
public sealed class CallLimitedStorage : IMappedStorage
{
    private readonly StopBeforeCall _counter;
    private readonly CallRecordingStorage _front;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The storage the calls go to.</param>
    /// <param name="stopBeforeCall">The index of the first call not to execute; <see cref="int.MaxValue"/> (or any value past the end) never stops.</param>
    public CallLimitedStorage(IMappedStorage inner, int stopBeforeCall)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(stopBeforeCall);
        _counter = new StopBeforeCall(stopBeforeCall);
        _front = new CallRecordingStorage(inner, _counter);
    }

    /// <summary>How many calls have executed (or been passed on and thrown).</summary>
    public int CallCount => _counter.CallCount;

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

    /// <summary>Counts the calls, and stops the workload before call number <c>stopBeforeCall</c>.</summary>
    private sealed class StopBeforeCall(int stopBeforeCall) : ICallObserver
    {
        public int CallCount { get; private set; }

        public void BeforeCall(in ObservedCall call)
        {
            if (CallCount == stopBeforeCall)
            {
                throw new CrashPointReachedException(CallCount, call.Description);
            }
            CallCount++;
        }

        public void AfterCall(in ObservedCall call, Exception? error)
        {
        }

        public void SpanTaken(IMappedFile file, long offsetBytes, int lengthBytes)
        {
        }
    }
}
