using Writeback.Simulation.Recording;

namespace Writeback.Simulation;

/// <summary>
/// Storage faults injected while the workload is recorded: chosen durability calls fail with
/// <see cref="Errno"/>, as a failing disk or a full file system makes <c>msync</c>/<c>fsync</c> fail.
/// The program sees the <see cref="WritebackException"/> and the file poisons itself exactly as
/// <see cref="MappedFile"/> does; the model then follows the kernel: the failed call's dirty pages are
/// marked clean without having been written, so a later flush succeeds without writing them (§ storage
/// faults in docs/crash-testing.md).
/// </summary>
/// <remarks>
/// Durability calls are counted from 0 in the order the workload makes them: <c>Flush(offset, length)</c>,
/// <c>Flush()</c>, <c>FlushFile()</c>, <c>FlushAsync</c> (its task fails) and <c>FlushDirectory()</c>.
/// <c>StartWriteback</c> is not counted: it reports no error of its own.
/// </remarks>
public sealed record StorageFaults
{
    /// <summary>The durability calls (0-based, in the order made) that fail. Ignored when <see cref="EachInTurn"/> is set.</summary>
    public IReadOnlyList<int> FailingCalls { get; init; } = [];

    /// <summary>
    /// Explore once per durability call of the fault-free run, with that call (alone) failing; the
    /// report gathers the failures of every run, each naming its fault.
    /// </summary>
    public bool EachInTurn { get; init; }

    /// <summary>The error the failing calls report. Default <see cref="InjectedErrno.EIO"/>.</summary>
    public InjectedErrno Errno { get; init; } = InjectedErrno.EIO;

    /// <summary>The fault in words, e.g. <c>durability calls [2] fail with EIO</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => EachInTurn
        ? $"each durability call in turn fails with {Errno}"
        : $"durability calls [{string.Join(", ", FailingCalls)}] fail with {Errno}";

    internal static bool IsDurabilityCall(CallKind kind) =>
        kind is CallKind.Flush or CallKind.FlushMapping or CallKind.FlushFile or CallKind.FlushAsync or CallKind.FlushDirectory;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(FailingCalls, nameof(FailingCalls));
        if (FailingCalls.FirstOrDefault(c => c < 0) is < 0 and var negative)
        {
            throw new ArgumentOutOfRangeException(nameof(FailingCalls), negative, "Durability calls are counted from 0.");
        }
        if (!Enum.IsDefined(Errno))
        {
            throw new ArgumentOutOfRangeException(nameof(Errno), Errno, "Not an injectable errno.");
        }
    }
}
