namespace Writeback.LossyFs.Tests.Programs;

/// <summary>A program under test that commits numbered records and prints an acknowledgement after each durable commit.</summary>
internal interface IAcknowledgingWorkload : IDisposable
{
    /// <summary>The ids the program acknowledged, in order.</summary>
    IReadOnlyList<long> Acknowledged { get; }

    /// <summary>Asks for record <paramref name="id"/> without waiting for it.</summary>
    void Send(long id);

    /// <summary>Commits <paramref name="firstId"/>..<paramref name="lastId"/> and waits for all acknowledgements.</summary>
    void Commit(long firstId, long lastId);

    /// <summary>Kills the program (SIGKILL), keeping acknowledgements printed before it died.</summary>
    void Kill();
}

/// <summary>One crash of a program: k records acknowledged, some more in flight, then the storage crashes.</summary>
/// <param name="AcknowledgedBeforeCrash">Records committed and acknowledged before the crash (k).</param>
/// <param name="InFlightAtCrash">Records sent without waiting just before the crash.</param>
internal sealed record ProgramCrashPoint(int AcknowledgedBeforeCrash, int InFlightAtCrash)
{
    /// <summary>
    /// Runs <paramref name="start"/>'s program in <paramref name="target"/>: commits k records, sends
    /// the in-flight ones, crashes the target, kills the program. Returns what it acknowledged
    /// (including any acknowledgement that raced the crash).
    /// </summary>
    public IReadOnlyList<long> Run(ICrashTarget target, Func<string, IAcknowledgingWorkload> start)
    {
        using var workload = start(target.WorkingDirectory);
        if (AcknowledgedBeforeCrash > 0)
        {
            workload.Commit(1, AcknowledgedBeforeCrash);
        }
        for (var id = AcknowledgedBeforeCrash + 1; id <= AcknowledgedBeforeCrash + InFlightAtCrash; id++)
        {
            workload.Send(id);
        }
        target.Crash();
        workload.Kill();
        return workload.Acknowledged;
    }

    /// <inheritdoc />
    public override string ToString() => $"crash after {AcknowledgedBeforeCrash} acknowledged, {InFlightAtCrash} in flight";
}
