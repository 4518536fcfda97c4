namespace Writeback.Simulation.Storage;

/// <summary>One version of one page: immutable bytes, shared by every image that shows it.</summary>
/// <param name="Bytes">Exactly one page of bytes; never written after creation.</param>
/// <param name="VisibleFrom">The first crash point whose memory holds this version.</param>
/// <param name="CutAtLength">
/// For the zeros a shrink leaves, the index of that length version in <see cref="InodeHistory.Lengths"/>;
/// -1 for a stored version. A cut version is never written back: it is on disk exactly when its
/// length version is, and the versions before it only when that length version is not (truncate(2)).
/// </param>
internal sealed record PageVersion(byte[] Bytes, int VisibleFrom, int CutAtLength = -1);

/// <summary>
/// What a recording keeps of one file (<see cref="Inode"/>): every version of every page, the
/// length over time, and which pages may have changed since the last recorded call.
/// </summary>
internal sealed class InodeHistory
{
    public InodeHistory(int id, int createdAtCrashPoint)
    {
        Id = id;
        CreatedAt = createdAtCrashPoint;
        Lengths = [(createdAtCrashPoint, 0)];
    }

    public int Id { get; }

    /// <summary>The first crash point at which the file exists in memory.</summary>
    public int CreatedAt { get; }

    /// <summary>The versions of each page, oldest first; version 0 (zeros) is implicit.</summary>
    public List<List<PageVersion>?> Versions { get; } = [];

    /// <summary>The file's length over time.</summary>
    public List<(int VisibleFrom, long LengthBytes)> Lengths { get; }

    /// <summary>Pages written through the API (or cut) since the last call.</summary>
    public HashSet<int> Touched { get; } = [];

    /// <summary>Pages handed out as writable spans; compared at every call.</summary>
    public HashSet<int> Exposed { get; } = [];

    public void AddVersion(int pageIndex, PageVersion version)
    {
        while (Versions.Count <= pageIndex)
        {
            Versions.Add(null);
        }
        (Versions[pageIndex] ??= []).Add(version);
    }

    /// <summary>The last version of <paramref name="pageIndex"/>, or null for zeros.</summary>
    public PageVersion? LastVersion(int pageIndex) =>
        pageIndex < Versions.Count && Versions[pageIndex] is { Count: > 0 } list ? list[^1] : null;
}
