using Writeback.Backends;

namespace Writeback;

/// <summary>
/// What <see cref="GroupCommit"/> may ask of the file it commits for, given at construction (with
/// the engine, the descriptor and the mapping's address): nothing else of the file is reachable.
/// All members are called on the engine's completion thread or the submitting caller's, and none
/// may throw.
/// </summary>
internal interface IGroupCommitOwner
{
    /// <summary>The file's mapped bytes now: a group clamps its ranges to them (the file may have shrunk).</summary>
    long MappedBytes { get; }

    /// <summary>Why a queued group must not be synced (poisoned, or disposed), or null.</summary>
    Exception? Failure();

    /// <summary>A call of the group failed with <paramref name="errno"/>: poisons the file; returns the exception for the run's waiters.</summary>
    Exception OnSyncFailed(in AsyncRequest request, int errno);

    /// <summary>
    /// The calls covering [<paramref name="startBytes"/>, <paramref name="endBytes"/>) returned 0:
    /// records them (and audits the rest of the file when asked); returns the failure the run's
    /// waiters must see anyway (another call failed meanwhile), or null.
    /// </summary>
    Exception? OnRunSynced(long startBytes, long endBytes, long startTimestamp);

    /// <summary><paramref name="requestCount"/> waiters were completed; the file's outstanding work drops by as many.</summary>
    void OnRequestsCompleted(int requestCount);
}
