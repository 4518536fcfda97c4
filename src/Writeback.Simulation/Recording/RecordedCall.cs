using System.Globalization;

namespace Writeback.Simulation.Recording;

/// <summary>The persistence-relevant calls, as <see cref="SimulatedStorage"/> records and <see cref="CallLimitedStorage"/> counts them.</summary>
internal enum CallKind
{
    Open,
    Write,
    SetLength,
    Flush,
    FlushMapping,
    FlushFile,
    StartWriteback,
    FlushAsync,
    FlushAsyncCompleted,
    Delete,
    Rename,
    FlushDirectory,
    CreateDirectory,
    RemoveDirectory,
    Link,
}

/// <summary>How a recorded call ended.</summary>
internal enum CallOutcome
{
    /// <summary>It returned (or, for a <c>FlushAsync</c> completion, the task succeeded).</summary>
    Returned,

    /// <summary>It threw before doing anything (bad arguments, a poisoned or disposed file): it guarantees nothing.</summary>
    Threw,

    /// <summary>An injected storage fault made it fail: it guarantees nothing, and the dirty pages it covered were marked clean unwritten.</summary>
    Failed,
}

/// <summary>
/// One recorded call. <see cref="InodeId"/> is -1 for directory calls. For a
/// <see cref="CallKind.FlushAsyncCompleted"/> step, <see cref="StartedAt"/> is the index of its
/// <see cref="CallKind.FlushAsync"/> call; -1 otherwise.
/// </summary>
internal sealed record RecordedCall(CallKind Kind, int InodeId, string Description, long OffsetBytes, long LengthBytes,
                                    bool WholeFileSemantics, int StartedAt = -1, CallOutcome Outcome = CallOutcome.Returned)
{
    /// <summary>For name calls: the path (a directory call's directory, "" for the root); null otherwise.</summary>
    public string? Path { get; init; }

    /// <summary>For <see cref="CallKind.Rename"/>: the target path; null otherwise.</summary>
    public string? TargetPath { get; init; }

    /// <summary>
    /// The model call whose effect this call has, when the caller said (a replayed program's
    /// <c>fdatasync</c>, <c>O_DSYNC</c> write, <c>sync</c>); null: the library call's own (<see cref="ModelCalls.Of"/>); only durability calls have one.
    /// </summary>
    public ModelCall? ModelCall { get; init; }
}

/// <summary>Which <see cref="Simulation.ModelCall"/> a recorded call is.</summary>
internal static class ModelCalls
{
    /// <summary>
    /// Not a program's call: setting up the initial state of a replayed program (its files and directories
    /// before it ran), durable by definition under every model: every page, length and name stable.
    /// </summary>
    public const ModelCall InitialState = (ModelCall)(-1);

    /// <summary>
    /// The call's model call: the one it was recorded as, else the library call's (<c>Flush(offset, length)</c>
    /// and <c>FlushAsync</c> msync of a range, <c>Flush()</c> of the whole mapping, both an fsync under
    /// <see cref="FlushSemantics.WholeFile"/>; <c>FlushFile</c> fsync; <c>StartWriteback</c>
    /// sync_file_range(WRITE); <c>FlushDirectory</c> a directory fsync); null for calls without a durability effect.
    /// </summary>
    public static ModelCall? Of(RecordedCall call)
    {
        ModelCall? own = call.Kind switch
        {
            CallKind.Flush or CallKind.FlushAsync or CallKind.FlushAsyncCompleted => call.WholeFileSemantics ? ModelCall.Fsync : ModelCall.MsyncRangeSync,
            CallKind.FlushMapping => call.WholeFileSemantics ? ModelCall.Fsync : ModelCall.MsyncWholeSync,
            CallKind.FlushFile => ModelCall.Fsync,
            CallKind.StartWriteback => ModelCall.SyncFileRangeWrite,
            CallKind.FlushDirectory => ModelCall.DirectoryFsync,
            _ => null,
        };
        return own is null ? null : call.ModelCall ?? own;
    }
}

/// <summary>The one place calls are put into words, so the record and <see cref="CallLimitedStorage"/> describe them alike.</summary>
internal static class CallText
{
    public static string Open(string name, FileMode mode) => $"Open({name}, mode={mode})";

    public static string Write(string name, long offsetBytes, int lengthBytes) => Ranged("Write", name, offsetBytes, lengthBytes);

    public static string SetLength(string name, long lengthBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"SetLength({name}, length={lengthBytes})");

    public static string Flush(string name, long offsetBytes, long lengthBytes) => Ranged("Flush", name, offsetBytes, lengthBytes);

    public static string FlushMapping(string name) => $"Flush({name})";

    public static string FlushFile(string name) => $"FlushFile({name})";

    public static string StartWriteback(string name, long offsetBytes, long lengthBytes) => Ranged("StartWriteback", name, offsetBytes, lengthBytes);

    public static string FlushAsyncStarted(string name, long offsetBytes, long lengthBytes) => Ranged("FlushAsync", name, offsetBytes, lengthBytes) + " started";

    public static string FlushAsyncCompleted(string name, long offsetBytes, long lengthBytes) => Ranged("FlushAsync", name, offsetBytes, lengthBytes) + " completed";

    public static string Delete(string name) => $"Delete({name})";

    public static string Rename(string sourceName, string targetName) => $"Rename({sourceName}, {targetName})";

    public static string Link(string sourceName, string targetName) => $"link({sourceName}, {targetName})";

    public const string FlushDirectory = "FlushDirectory()";

    public static string FlushDirectoryAt(string path) => path.Length == 0 ? FlushDirectory : $"FlushDirectory({path})";

    public static string CreateDirectory(string path) => $"CreateDirectory({path})";

    public static string RemoveDirectory(string path) => $"RemoveDirectory({path})";

    private static string Ranged(string call, string name, long offsetBytes, long lengthBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{call}({name}, offset={offsetBytes}, length={lengthBytes})");
}
