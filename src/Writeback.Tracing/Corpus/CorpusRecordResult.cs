namespace Writeback.Tracing.Corpus;

/// <summary>What happened to one corpus entry in <see cref="CorpusRecorder.Record"/>.</summary>
public enum CorpusRecordStatus
{
    /// <summary>Built, set up and recorded; its trace is saved.</summary>
    Recorded,

    /// <summary>Not recorded for a reason outside the entry: a required command is missing, or the recorder refuses a call the program makes.</summary>
    Skipped,

    /// <summary>The entry itself failed: its build or setup failed, or its program exited non-zero.</summary>
    Failed,
}

/// <summary>The outcome of recording one corpus entry.</summary>
/// <param name="Name">The entry's name.</param>
/// <param name="Engine">The entry's engine.</param>
/// <param name="Status">Recorded, skipped or failed.</param>
/// <param name="Reason">Why it was skipped or failed (one line, naming the refused call or the missing command), else null.</param>
/// <param name="TracePath">The saved trace, when recorded.</param>
/// <param name="TraceBytes">The trace file's size.</param>
/// <param name="EventCount">Recorded events.</param>
/// <param name="SystemCallCount">System calls the program made.</param>
/// <param name="Elapsed">Build, setup and recording time.</param>
/// <param name="ProgramVersion">The first line of the entry's version command, when it has one and it ran.</param>
/// <param name="FileSystem">The file system type the program ran on (from /proc/self/mountinfo).</param>
public sealed record CorpusRecordResult(
    string Name, string Engine, CorpusRecordStatus Status, string? Reason, string? TracePath, long TraceBytes, int EventCount,
    long SystemCallCount, TimeSpan Elapsed, string? ProgramVersion, string? FileSystem);
