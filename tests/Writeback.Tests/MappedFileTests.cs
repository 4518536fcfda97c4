namespace Writeback.Tests;

public sealed class MappedFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void WriteReadAndReopenKeepsTheBytes()
    {
        string path = _directory.File("data.bin");
        using (var file = MappedFile.Open(path, new MappedFileOptions { Length = 10_000 }))
        {
            Assert.Equal(10_000, file.Length);
            Assert.Equal("data.bin", file.Name);
            Assert.Equal(path, file.Path);
            file.Write(9_990, "0123456789"u8);
            file.GetSpan(0, 3).Fill(7);
            file.FlushFile();
        }
        using var reopened = MappedFile.Open(path);
        Assert.Equal(10_000, reopened.Length);
        byte[] buffer = new byte[10];
        reopened.Read(9_990, buffer);
        Assert.Equal("0123456789"u8.ToArray(), buffer);
        Assert.Equal(new byte[] { 7, 7, 7, 0 }, reopened.GetReadOnlySpan(0, 4).ToArray());
        Assert.Equal(File.ReadAllBytes(path).AsSpan(9_990).ToArray(), buffer);
    }

    [Fact]
    public void ZeroLengthFileOpensAndGrows()
    {
        using var file = MappedFile.Open(_directory.File("empty.bin"));
        Assert.Equal(0, file.Length);
        file.Flush();
        file.FlushFile();
        file.Flush(0, 0);
        file.SetLength(5);
        file.Write(0, "hello"u8);
        file.Flush(0, 5);
        Assert.Equal("hello"u8.ToArray(), File.ReadAllBytes(file.Path));
    }

    [SkippableFact]
    public void RangeFlushCleansTheRangeAndLeavesOtherDirtyPagesDirty()
    {
        using var file = MappedFile.Open(_directory.File("range.bin"), new MappedFileOptions { Length = 64 * 4096 });
        Kernel.SkipUnlessDirtyPagesVisible(file);
        int page = file.PageSize;
        var outside = default(PageCacheState);
        bool leftDirty = Kernel.Eventually(3, () =>
        {
            Kernel.Dirty(file, 0, file.Length, 0xAB);
            file.Flush(8 * page + 100, 4 * page);  // touches pages 8..12
            PageCacheState inside = file.GetPageCacheState(8 * page, 5 * page);
            outside = file.GetPageCacheState(32 * page, 32 * page);
            Assert.Equal(0, inside.DirtyPages);
            Assert.Equal(0, inside.WritebackPages);
            return outside.DirtyPages > 0;
        });
        Assert.True(leftDirty, $"pages outside the range should stay dirty; cachestat says {outside}");
    }

    [SkippableFact]
    public void WholeFileSemanticsMakesARangeFlushCleanEverything()
    {
        using var file = MappedFile.Open(_directory.File("whole.bin"),
            new MappedFileOptions { Length = 64 * 4096, Semantics = FlushSemantics.WholeFile });
        Kernel.SkipUnlessDirtyPagesVisible(file);
        Kernel.Dirty(file, 0, file.Length, 0xCD);
        file.Flush(0, 1);
        PageCacheState state = file.GetPageCacheState(0, file.Length);
        Assert.Equal(0, state.DirtyPages);
        Assert.Equal(0, state.WritebackPages);
    }

    [SkippableFact]
    public void FlushCleansTheWholeMapping()
    {
        using var file = MappedFile.Open(_directory.File("all.bin"), new MappedFileOptions { Length = 16 * 4096 + 10 });
        Kernel.SkipUnlessDirtyPagesVisible(file);
        Kernel.Dirty(file, 0, file.Length, 1);
        file.Flush();
        Assert.Equal(0, file.GetPageCacheState(0, file.Length).DirtyPages);
    }

    [SkippableFact]
    public void StartWritebackCleansDirtyPagesWithoutAFlushCall()
    {
        using var file = MappedFile.Open(_directory.File("start.bin"), new MappedFileOptions { Length = 256 * 4096 });
        Kernel.SkipUnlessDirtyPagesVisible(file);
        Kernel.Dirty(file, 0, file.Length, 0x5A);
        file.StartWriteback(0, file.Length);
        // Behaviour, not timing: the periodic flusher would take 30 s (dirty_expire_centisecs) to
        // get here on its own, so 20 s with no flush call shows the writer started the I/O.
        bool clean = Kernel.WaitUntil(() => file.GetPageCacheState(0, file.Length) is { DirtyPages: 0, WritebackPages: 0 }, 20_000);
        Assert.True(clean, $"still dirty: {file.GetPageCacheState(0, file.Length)}");
    }

    [Fact]
    public async Task FlushAsyncUnderConcurrencyCompletesEveryRequestWithTheData()
    {
        const int Writers = 8, RecordsPerWriter = 25, RecordBytes = 4096;
        string path = _directory.File("group.bin");
        using (var file = MappedFile.Open(path, new MappedFileOptions { Length = Writers * RecordsPerWriter * RecordBytes }))
        {
            Task[] tasks = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                for (int record = 0; record < RecordsPerWriter; record++)
                {
                    long offset = ((long)record * Writers + writer) * RecordBytes;
                    file.GetSpan(offset, RecordBytes).Fill((byte)(writer * 31 + record));
                    await file.FlushAsync(offset, RecordBytes);
                }
            })).ToArray();
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        }
        byte[] bytes = await File.ReadAllBytesAsync(path);
        for (int writer = 0; writer < Writers; writer++)
        {
            for (int record = 0; record < RecordsPerWriter; record++)
            {
                long offset = ((long)record * Writers + writer) * RecordBytes;
                Assert.All(bytes.AsSpan((int)offset, RecordBytes).ToArray(), b => Assert.Equal((byte)(writer * 31 + record), b));
            }
        }
    }

    [Fact]
    public async Task FlushAsyncWithACancelledTokenIsCancelled()
    {
        using var file = MappedFile.Open(_directory.File("cancel.bin"), new MappedFileOptions { Length = 4096 });
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        Task task = file.FlushAsync(0, 4096, cancellation.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        await file.FlushAsync(0, 4096).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
