using Writeback.Native;

namespace Writeback.Tests;

/// <summary>
/// The group-commit flusher and the background writer, made deterministic by pausing their
/// system call through the seam while the test queues more work.
/// </summary>
public sealed class BackgroundWorkTests : IDisposable
{
    private const int EIO = 5;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ARequestQueuedWhileAGroupIsInFlightIsNotCompletedByThatGroupsMsync()
    {
        var calls = new FaultInjector();
        using var file = MappedFile.Open(_directory.File("inflight.bin"), new MappedFileOptions { Length = 64 * 4096 }, calls);
        using FaultInjector.Pause firstPause = calls.PauseNext(SystemCalls.MSync);
        using FaultInjector.Pause secondPause = calls.PauseNext(SystemCalls.MSync);
        Task first = file.FlushAsync(0, 4096);
        Assert.True(firstPause.Entered.Wait(Deadline), "the flusher never called msync");
        // The same range, queued while the msync covering it is already running.
        Task second = file.FlushAsync(0, 4096);
        firstPause.Dispose();
        await first.WaitAsync(Deadline);
        // The first msync was issued before the second request existed: it must not complete it.
        Assert.True(secondPause.Entered.Wait(Deadline), "the second request was never flushed");
        Assert.False(second.IsCompleted);
        secondPause.Dispose();
        await second.WaitAsync(Deadline);
        Assert.Equal(2, calls.CallCount(SystemCalls.MSync));
    }

    [Fact]
    public async Task AFailureOfAConcurrentFlushFailsAGroupWhoseMsyncReturnedZero()
    {
        FaultInjector calls = new FaultInjector().Fail(SystemCalls.MSync, EIO, failCount: 1);
        using var file = MappedFile.Open(_directory.File("concurrent-failure.bin"), new MappedFileOptions { Length = 64 * 4096 }, calls);
        using FaultInjector.Pause firstPause = calls.PauseNext(SystemCalls.MSync);
        using FaultInjector.Pause secondPause = calls.PauseNext(SystemCalls.MSync);
        // A synchronous Flush on another thread is the call in flight beside the group's.
        var failing = Task.Run(() => file.Flush(0, 4096));
        Assert.True(firstPause.Entered.Wait(Deadline));
        Task concurrent = file.FlushAsync(32 * 4096, 4096);
        Assert.True(secondPause.Entered.Wait(Deadline));
        firstPause.Dispose(); // counted first: fails with EIO and poisons the file
        WritebackException original = await Assert.ThrowsAsync<WritebackException>(() => failing.WaitAsync(Deadline));
        secondPause.Dispose(); // really succeeds, but the error may have been reported to the other call only
        WritebackException repeated = await Assert.ThrowsAsync<WritebackException>(() => concurrent.WaitAsync(Deadline));
        Assert.Equal((EIO, EIO), (original.Errno, repeated.Errno));
        Assert.Equal(2, calls.CallCount(SystemCalls.MSync));
    }

    [Fact]
    public async Task RequestsQueuedDuringAFlushAreMergedIntoOneMsync()
    {
        var calls = new FaultInjector();
        using var file = MappedFile.Open(_directory.File("merge1.bin"), new MappedFileOptions { Length = 256 * 4096 }, calls);
        Task first;
        var rest = new List<Task>();
        using (FaultInjector.Pause pause = calls.PauseNext(SystemCalls.MSync))
        {
            first = file.FlushAsync(0, 1);
            Assert.True(pause.Entered.Wait(Deadline), "the flusher never called msync");
            // 100 requests: pages 1..100, each with a small gap to its neighbour and in shuffled order.
            foreach (int page in Enumerable.Range(1, 100).OrderBy(p => (p * 37) % 101))
            {
                rest.Add(file.FlushAsync(page * 4096L + 8, 100));
            }
            Assert.False(first.IsCompleted);
            Assert.All(rest, task => Assert.False(task.IsCompleted));
        }
        await Task.WhenAll(rest.Append(first)).WaitAsync(Deadline);
        Assert.Equal(2, calls.CallCount(SystemCalls.MSync));
    }

    [Fact]
    public async Task RangesFartherApartThanTheMergeGapGetTheirOwnMsync()
    {
        var calls = new FaultInjector();
        using var file = MappedFile.Open(_directory.File("apart.bin"), new MappedFileOptions { Length = 16L << 20 }, calls);
        Task first;
        Task[] rest;
        using (FaultInjector.Pause pause = calls.PauseNext(SystemCalls.MSync))
        {
            first = file.FlushAsync(0, 1);
            Assert.True(pause.Entered.Wait(Deadline));
            rest =
            [
                file.FlushAsync(1L << 20, 4096),                                       // group A
                file.FlushAsync((1L << 20) + 4096 + GroupCommit.MergeGapBytes, 1), // within the gap: A
                file.FlushAsync(8L << 20, 4096),                                       // group B
            ];
        }
        await Task.WhenAll(rest.Append(first)).WaitAsync(Deadline);
        Assert.Equal(3, calls.CallCount(SystemCalls.MSync));
    }

    [Fact]
    public async Task CancellationEndsTheWaitButTheRangeIsStillFlushed()
    {
        var calls = new FaultInjector();
        using var file = MappedFile.Open(_directory.File("cancel.bin"), new MappedFileOptions { Length = 64 * 4096 }, calls);
        using var cancellation = new CancellationTokenSource();
        Task first, cancelled;
        using (FaultInjector.Pause pause = calls.PauseNext(SystemCalls.MSync))
        {
            first = file.FlushAsync(0, 1);
            Assert.True(pause.Entered.Wait(Deadline));
            cancelled = file.FlushAsync(32 * 4096, 4096, cancellation.Token);
            await cancellation.CancelAsync();
            // The flusher is still inside msync, yet the cancelled caller is released.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Deadline));
            Assert.False(first.IsCompleted);
        }
        await first.WaitAsync(Deadline);
        Assert.True(SpinWait.SpinUntil(() => calls.CallCount(SystemCalls.MSync) == 2, Deadline), "the cancelled range was not flushed");
    }

    [Fact]
    public void DisposeDrainsQueuedFlushAsyncRequests()
    {
        var calls = new FaultInjector();
        var file = MappedFile.Open(_directory.File("drain.bin"), new MappedFileOptions { Length = 64 * 4096 }, calls);
        Task first, second;
        using (FaultInjector.Pause pause = calls.PauseNext(SystemCalls.MSync))
        {
            first = file.FlushAsync(0, 1);
            Assert.True(pause.Entered.Wait(Deadline));
            second = file.FlushAsync(60 * 4096, 1);
        }
        file.Dispose();
        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
    }

    [SkippableFact]
    public void ManyDisjointWritebackRangesAreAllStarted()
    {
        var calls = new FaultInjector();
        using var file = MappedFile.Open(_directory.File("coalesce.bin"), new MappedFileOptions { Length = 512 * 4096 }, calls);
        Kernel.SkipUnlessDirtyPagesVisible(file);
        Kernel.Dirty(file, 0, file.Length, 0x11);
        using (FaultInjector.Pause pause = calls.PauseNext(SystemCalls.SyncFileRange))
        {
            file.StartWriteback(0, 1);
            Assert.True(pause.Entered.Wait(Deadline), "the writer never called sync_file_range");
            for (int page = 2; page < 512; page += 2)
            {
                file.StartWriteback(page * 4096L, 4096); // 255 disjoint ranges, more than the set holds
            }
        }
        Assert.True(EveryEvenPageClean(file), $"requested pages stayed dirty: {file.GetPageCacheState(0, file.Length)}");
        // No coalescing is needed with a process-wide engine: each call is one request.
        // (The first, paused call is counted when its pause ends, on its own thread.)
        Assert.True(SpinWait.SpinUntil(() => calls.CallCount(SystemCalls.SyncFileRange) == 1 + 255, Deadline),
                    $"{calls.CallCount(SystemCalls.SyncFileRange)} sync_file_range calls, expected 256");
    }

    private static bool EveryEvenPageClean(MappedFile file) => Kernel.WaitUntil(() =>
    {
        for (int page = 2; page < 512; page += 2)
        {
            if (file.GetPageCacheState(page * 4096L, 4096) is not { DirtyPages: 0, WritebackPages: 0 })
            {
                return false;
            }
        }
        return true;
    }, 30_000);

    [Fact]
    public void DisposeStartsQueuedWriteback()
    {
        var calls = new FaultInjector();
        var file = MappedFile.Open(_directory.File("drain-writer.bin"), new MappedFileOptions { Length = 64 * 4096 }, calls);
        using (FaultInjector.Pause pause = calls.PauseNext(SystemCalls.SyncFileRange))
        {
            file.StartWriteback(0, 1);
            Assert.True(pause.Entered.Wait(Deadline));
            file.StartWriteback(32 * 4096, 4096);
        }
        file.Dispose();
        Assert.Equal(2, calls.CallCount(SystemCalls.SyncFileRange));
    }

    [SkippableFact]
    public async Task FlushValueAsyncCleansTheRangeAndReusesItsRequestsSafely()
    {
        using var file = MappedFile.Open(_directory.File("value.bin"), new MappedFileOptions { Length = 64 * 4096 });
        Kernel.SkipUnlessDirtyPagesVisible(file);
        // Eight writers, 50 commits each: the pooled requests are reused across groups and threads.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                int page = (writer * 8) + (i % 8);
                file.GetSpan(page * 4096L, 1)[0] = (byte)i;
                await file.FlushValueAsync(page * 4096L, 4096);
                Assert.Equal(0, file.GetPageCacheState(page * 4096L, 4096).DirtyPages);
            }
        }))).WaitAsync(Deadline);
    }

    [Fact]
    public async Task ACancelledFlushValueAsyncRequestIsNotReusedBeforeItsGroupIsDone()
    {
        var calls = new FaultInjector();
        using var file = MappedFile.Open(_directory.File("value-cancel.bin"), new MappedFileOptions { Length = 64 * 4096 }, calls);
        using var cancellation = new CancellationTokenSource();
        ValueTask first, cancelled;
        using (FaultInjector.Pause pause = calls.PauseNext(SystemCalls.MSync))
        {
            first = file.FlushValueAsync(0, 1);
            Assert.True(pause.Entered.Wait(Deadline));
            cancelled = file.FlushValueAsync(32 * 4096, 4096, cancellation.Token);
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await cancelled);
            // The cancelled request is still in the queued group: a new request must get another one.
            ValueTask third = file.FlushValueAsync(40 * 4096, 4096);
            Assert.False(third.IsCompleted);
            pause.Dispose();
            await first;
            await third;
        }
        Assert.True(SpinWait.SpinUntil(() => calls.CallCount(SystemCalls.MSync) == 2, Deadline), "the cancelled range was not flushed");
        FaultInjector poisoned = new FaultInjector().Fail(SystemCalls.MSync, EIO);
        using var failing = MappedFile.Open(_directory.File("value-fail.bin"), new MappedFileOptions { Length = 4096 }, poisoned);
        Assert.Equal(EIO, (await Assert.ThrowsAsync<WritebackException>(async () => await failing.FlushValueAsync(0, 1))).Errno);
        Assert.Equal(EIO, (await Assert.ThrowsAsync<WritebackException>(async () => await failing.FlushValueAsync(0, 1))).Errno);
    }

    [Fact]
    public void TheInteropLayerRestartsOnlyOnEintr()
    {
        const int EINTR = 4;
        // The one EINTR policy (Interop.Eintr): a failed call whose errno is EINTR is restarted by
        // the wrappers of the calls whose man page lists it; any other errno is returned as it is.
        System.Runtime.InteropServices.Marshal.SetLastPInvokeError(EINTR);
        Assert.Equal(EINTR, Interop.Eintr.Errno(-1, out bool retry));
        Assert.True(retry);
        System.Runtime.InteropServices.Marshal.SetLastPInvokeError(EIO);
        Assert.Equal(EIO, Interop.Eintr.Errno(-1, out retry));
        Assert.False(retry);
        Assert.Equal(0, Interop.Eintr.Errno(0, out retry));
        Assert.False(retry);
    }

    [Fact]
    public void AnInjectedEintrFromMsyncIsAFailureNotARetry()
    {
        const int EINTR = 4;
        FaultInjector msync = new FaultInjector().Fail(SystemCalls.MSync, EINTR, failCount: 1);
        using var file = MappedFile.Open(_directory.File("eintr3.bin"), new MappedFileOptions { Length = 4096 }, msync);
        Assert.Equal("EINTR", Assert.Throws<WritebackException>(() => file.Flush(0, 1)).ErrnoName); // msync(2) does not list EINTR
        Assert.Equal(1, msync.CallCount(SystemCalls.MSync));
        Assert.True(file.IsPoisoned);
    }
}
