namespace Writeback.Cli.Commands.Bench;

/// <summary>The strategies <c>writeback bench</c> measures, library calls first, then their baselines.</summary>
internal static class BenchStrategies
{
    /// <summary>Every strategy, in table order.</summary>
    /// <param name="concurrency">Committers for the group-commit strategy.</param>
    /// <returns>The strategies.</returns>
    public static IReadOnlyList<BenchStrategy> All(int concurrency) =>
    [
        Library("Flush(range)", "the record's pages and the metadata to read them are durable; nothing else", LibraryCommit.FlushRange, durable: true),
        Library("Flush()", "all data of the mapping is durable", LibraryCommit.FlushMapping, durable: true),
        Library("FlushFile()", "all data and metadata of the file are durable", LibraryCommit.FlushFile, durable: true),
        Library("StartWriteback(range)", "nothing durable: the range's I/O is queued; the caller never waits", LibraryCommit.StartWriteback, durable: false),
        Library($"FlushAsync(range) x{concurrency}", "the record is durable when the task completes; concurrent commits are merged",
                LibraryCommit.FlushAsync, durable: true, concurrency),
        Raw("MemoryMappedViewAccessor.Flush()", ".NET", "all data of the view is written (msync of the whole view)", RawCommit.ViewAccessorFlush, durable: true),
        Raw("msync(MS_SYNC, range)", "raw syscall", "the record's pages are durable", RawCommit.MsyncRange, durable: true),
        Raw("fdatasync(fd)", "raw syscall", "all dirty data of the file is durable", RawCommit.Fdatasync, durable: true),
        Raw("sync_file_range(WAIT|WRITE|WAIT)", "raw syscall", "the range was written to the device; not durable (no metadata, no cache flush)", RawCommit.SyncFileRangeWait, durable: false),
        Raw("sync_file_range(WRITE)", "raw syscall", "nothing durable: I/O started; blocks when the device queue is full", RawCommit.SyncFileRangeWrite, durable: false),
    ];

    private static BenchStrategy Library(string name, string guarantee, LibraryCommit commit, bool durable, int concurrency = 1) =>
        new(name, "Writeback", guarantee, (path, _) => new LibraryTarget(path, commit), durable, concurrency);

    private static BenchStrategy Raw(string name, string api, string guarantee, RawCommit commit, bool durable) =>
        new(name, api, guarantee, (path, fileBytes) => new RawTarget(path, fileBytes, commit), durable);
}
