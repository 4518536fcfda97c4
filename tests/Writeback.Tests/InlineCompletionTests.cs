using Writeback.Native;

namespace Writeback.Tests;

/// <summary>
/// <see cref="MappedFileOptions.UnsafeInlineCompletions"/>: where a FlushAsync continuation runs,
/// that committers which commit again from their continuation all join the next group, and that
/// disposing the file from such a continuation does not stall the engine.
/// </summary>
public sealed class InlineCompletionTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFlushAsyncContinuationRunsOnTheEngineThreadOnlyWithInlineCompletions(bool inline)
    {
        var calls = new FaultInjector();
        using var file = MappedFile.Open(_directory.File("where.bin"), new MappedFileOptions { Length = 4 * 4096, UnsafeInlineCompletions = inline }, calls);
        file.GetSpan(0, 2 * 4096).Fill(0x11);

        // The sync is held until both continuations are registered, so neither task is complete when awaited.
        using (FaultInjector.Pause pause = calls.PauseNext(SystemCalls.MSync))
        {
            Task<string> whereTask = ContinuationThread(file.FlushAsync(0, 4096));
            Assert.True(pause.Entered.Wait(Deadline), "the group's sync was never called");
            pause.Dispose();
            AssertRanOn(inline, await whereTask.WaitAsync(Deadline));
        }
        using (FaultInjector.Pause pause = calls.PauseNext(SystemCalls.MSync))
        {
            Task<string> whereValueTask = ContinuationThread(file.FlushValueAsync(4096, 4096));
            Assert.True(pause.Entered.Wait(Deadline), "the group's sync was never called");
            pause.Dispose();
            AssertRanOn(inline, await whereValueTask.WaitAsync(Deadline));
        }
    }

    [Fact]
    public async Task CommittersThatCommitAgainFromAnInlineContinuationAllJoinTheNextGroup()
    {
        const int CommitterCount = 8, RecordsEach = 40, RecordBytes = 4096;
        var calls = new FaultInjector();
        using var file = MappedFile.Open(_directory.File("committers.bin"),
                                         new MappedFileOptions { Length = (long)CommitterCount * RecordsEach * RecordBytes, UnsafeInlineCompletions = true }, calls);
        long nextOffsetBytes = 0;
        async Task Commit()
        {
            byte[] record = new byte[RecordBytes];
            for (int i = 0; i < RecordsEach; i++)
            {
                long offsetBytes = Interlocked.Add(ref nextOffsetBytes, RecordBytes) - RecordBytes;
                record.AsSpan().Fill((byte)(offsetBytes / RecordBytes));
                file.Write(offsetBytes, record);
                await file.FlushAsync(offsetBytes, RecordBytes).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, CommitterCount).Select(_ => Task.Run(Commit))).WaitAsync(Deadline);

        for (long offsetBytes = 0; offsetBytes < nextOffsetBytes; offsetBytes += RecordBytes)
        {
            Assert.True(file.GetSpan(offsetBytes, RecordBytes).IndexOfAnyExcept((byte)(offsetBytes / RecordBytes)) < 0, $"record at {offsetBytes}");
        }
        // Appends are adjacent, so a group is one sync. A waiter's continuation queues its next
        // request before the group it was in is finished, so each group holds at least the
        // committers of the one before: 320 requests take about 40 syncs, not hundreds.
        int syncs = calls.CallCount(SystemCalls.MSync);
        Assert.True(syncs <= CommitterCount * RecordsEach / 4, $"{syncs} syncs for {CommitterCount * RecordsEach} requests");
    }

    [Fact]
    public async Task DisposingTheFileFromAnInlineContinuationLeavesTheEngineRunning()
    {
        var file = MappedFile.Open(_directory.File("dispose.bin"), new MappedFileOptions { Length = 4 * 4096, UnsafeInlineCompletions = true });
        file.GetSpan(0, 4096).Fill(0x22);
        async Task FlushThenDispose()
        {
            await file.FlushAsync(0, 4096).ConfigureAwait(false);
            file.Dispose(); // on the engine's thread, which must not wait for itself
        }

        await FlushThenDispose().WaitAsync(Deadline);

        Assert.Throws<ObjectDisposedException>(() => file.Flush(0, 4096));
        using var other = MappedFile.Open(_directory.File("other.bin"), new MappedFileOptions { Length = 4096 });
        other.GetSpan(0, 4096).Fill(0x33);
        await other.FlushAsync(0, 4096).WaitAsync(Deadline);
    }

    private static async Task<string> ContinuationThread(Task task)
    {
        await task.ConfigureAwait(false);
        return Describe(Thread.CurrentThread);
    }

    private static async Task<string> ContinuationThread(ValueTask task)
    {
        await task.ConfigureAwait(false);
        return Describe(Thread.CurrentThread);
    }

    private static string Describe(Thread thread) => thread.IsThreadPoolThread ? "a thread-pool thread" : thread.Name ?? "an unnamed thread";

    private static void AssertRanOn(bool inline, string where)
    {
        if (inline)
        {
            Assert.StartsWith("Writeback engine", where, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("a thread-pool thread", where);
        }
    }
}
