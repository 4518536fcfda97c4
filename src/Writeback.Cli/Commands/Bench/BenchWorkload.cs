namespace Writeback.Cli.Commands.Bench;

/// <summary>
/// What every strategy is measured on. Each iteration stores one record of
/// <see cref="RecordBytes"/> into the first half of a file of <see cref="FileBytes"/> and dirties
/// <see cref="BackgroundDirtyPages"/> other pages in the second half (data the program does not
/// need durable yet, as in a database's other tables), then makes the record durable (or, for
/// the writeback-start strategies, starts its I/O). Only that last call is timed.
/// </summary>
/// <param name="FileBytes">Size of each strategy's file.</param>
/// <param name="RecordBytes">Size of the record committed per iteration.</param>
/// <param name="BackgroundDirtyPages">Pages dirtied elsewhere in the file per iteration.</param>
/// <param name="Iterations">Timed iterations per strategy, over all rounds.</param>
/// <param name="WarmupIterations">Untimed iterations before them.</param>
/// <param name="Concurrency">Concurrent committers for the group-commit strategy.</param>
/// <param name="PageSizeBytes">The page size.</param>
/// <param name="Rounds">How many times the strategies run in turn (alternating order), each on a fresh file, their samples pooled.</param>
internal sealed record BenchWorkload(long FileBytes, int RecordBytes, int BackgroundDirtyPages, int Iterations,
                                     int WarmupIterations, int Concurrency, int PageSizeBytes, int Rounds = 1)
{
    /// <summary>Timed iterations in each round: the total shared out, rounded up.</summary>
    public int IterationsPerRound => (Iterations + Rounds - 1) / Rounds;

    /// <summary>Where record number <paramref name="recordIndex"/> goes: page-aligned, cycling through the first half.</summary>
    /// <param name="recordIndex">The record's number.</param>
    /// <returns>Its byte offset.</returns>
    public long RecordOffsetBytes(long recordIndex)
    {
        long slotCount = Math.Max(1, FileBytes / 2 / RecordBytes);
        return recordIndex % slotCount * RecordBytes;
    }

    /// <summary>The background page number <paramref name="index"/> dirtied: cycling through the second half.</summary>
    /// <param name="index">A running count of background pages.</param>
    /// <returns>Its byte offset.</returns>
    public long BackgroundOffsetBytes(long index)
    {
        long halfPages = Math.Max(1, FileBytes / 2 / PageSizeBytes);
        return (FileBytes / 2) + (index % halfPages * PageSizeBytes);
    }
}
