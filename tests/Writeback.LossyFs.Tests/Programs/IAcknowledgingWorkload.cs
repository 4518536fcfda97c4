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
        using IAcknowledgingWorkload workload = start(target.WorkingDirectory);
        if (AcknowledgedBeforeCrash > 0)
        {
            workload.Commit(1, AcknowledgedBeforeCrash);
        }
        for (int id = AcknowledgedBeforeCrash + 1; id <= AcknowledgedBeforeCrash + InFlightAtCrash; id++)
        {
            workload.Send(id);
        }
        target.Crash();
        workload.Kill();
        return workload.Acknowledged;
    }

    /// <summary>
    /// The crash plan of a suite: after each k of <paramref name="crashAfter"/> with keep none, and
    /// after every other k (1st, 3rd, ...) with keep random, one seed each.
    /// </summary>
    public static IEnumerable<(ProgramCrashPoint Point, LossyFsCrash Crash)> Plans(int[] crashAfter, ulong[] keepRandomSeeds, int inFlightAtCrash)
    {
        foreach (int k in crashAfter)
        {
            yield return (new ProgramCrashPoint(k, inFlightAtCrash), LossyFsCrash.KeepNone);
        }
        for (int i = 0; i < keepRandomSeeds.Length; i++)
        {
            yield return (new ProgramCrashPoint(crashAfter[(i * 2) + 1], inFlightAtCrash), LossyFsCrash.KeepRandom(keepRandomSeeds[i]));
        }
    }

    /// <summary>
    /// Crashes <paramref name="target"/> under the program as this point says, then reads the image:
    /// returns what was acknowledged and what survived.
    /// </summary>
    public (IReadOnlyList<long> Acknowledged, TImage Image) RunAndInspect<TImage>(ICrashTarget target, Func<string, IAcknowledgingWorkload> start, Func<string, TImage> inspect)
        where TImage : IProgramImage
    {
        IReadOnlyList<long> acknowledged = Run(target, start);
        return (acknowledged, inspect(target.ImageDirectory));
    }

    /// <inheritdoc />
    public override string ToString() => $"crash after {AcknowledgedBeforeCrash} acknowledged, {InFlightAtCrash} in flight";
}
