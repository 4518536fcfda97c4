namespace Writeback.Benchmarks.Core;

/// <summary>
/// One way of storing into a mapped file and committing a range of it. S1 and S2 run the same
/// workload over each, so the only difference between arms is the commit call.
/// </summary>
internal interface ICommitSubject : IDisposable
{
    /// <summary>The arm's name in the table.</summary>
    string Name { get; }

    /// <summary>The mapped file's path.</summary>
    string Path { get; }

    /// <summary>A writable view of the mapping, for dirtying pages outside the timed part.</summary>
    Span<byte> GetSpan(long offsetBytes, int lengthBytes);

    /// <summary>Copies a record into the mapping the way a user of this API would.</summary>
    void Store(long offsetBytes, ReadOnlySpan<byte> record);

    /// <summary>Makes [offsetBytes, offsetBytes + lengthBytes) durable with this API's call.</summary>
    void Commit(long offsetBytes, int lengthBytes);
}
