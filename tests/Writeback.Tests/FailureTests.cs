using Writeback.Native;

namespace Writeback.Tests;

/// <summary>Failure paths through the fault-injection seam: poisoning, messages, no partial state.</summary>
public sealed class FailureTests : IDisposable
{
    private const int EIO = 5, ENOSPC = 28, EACCES = 13, ENOSYS = 38, ENOMEM = 12;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private MappedFile Open(string name, FaultInjector faults, long lengthBytes = 16 * 4096, MappedFileOptions? options = null) =>
        MappedFile.Open(_directory.File(name), (options ?? new MappedFileOptions()) with { Length = lengthBytes }, faults);

    [Fact]
    public void FailedMsyncThrowsTheExactMessageAndPoisonsEveryLaterDurabilityCall()
    {
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.MSync, EIO, failCount: 1);
        using MappedFile file = Open("poison.bin", faults);
        int page = file.PageSize;

        WritebackException first = Assert.Throws<WritebackException>(() => file.Flush(page + 10, page));
        Assert.Equal($"msync(offset={page}, length={2 * page}) failed on '{file.Path}': EIO (Input/output error)", first.Message);
        Assert.Equal(("msync", EIO, "EIO", (long?)page, (long?)(2 * page)), (first.Operation, first.Errno, first.ErrnoName, first.Offset, first.Length));
        Assert.True(file.IsPoisoned);

        // The injected failure was for one call only: a retry would now succeed, which is exactly
        // why the library must not retry. Every later call rethrows the original.
        Action[] later =
        [
            () => file.Flush(0, page),
            () => file.Flush(),
            () => file.FlushFile(),
            () => file.StartWriteback(0, page),
            () => file.Flush(0, 0),
        ];
        foreach (Action call in later)
        {
            WritebackException repeated = Assert.Throws<WritebackException>(call);
            Assert.Same(first, repeated.InnerException);
            Assert.Equal(EIO, repeated.Errno);
            Assert.Equal(first.Message, repeated.Message);
        }
        AggregateException asyncFailure = Assert.Throws<AggregateException>(() => file.FlushAsync(0, page).Wait(TimeSpan.FromSeconds(30)));
        Assert.Same(first, Assert.IsType<WritebackException>(asyncFailure.InnerException).InnerException);
        Assert.Equal(1, faults.CallCount(SystemCalls.MSync));
        Assert.Equal(0, faults.CallCount(SystemCalls.FSync));
    }

    [Fact]
    public void FailedFsyncPoisonsWithItsOwnMessage()
    {
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.FSync, ENOSPC);
        using MappedFile file = Open("fsync.bin", faults);
        WritebackException failure = Assert.Throws<WritebackException>(() => file.FlushFile());
        Assert.Equal($"fsync failed on '{file.Path}': ENOSPC (No space left on device)", failure.Message);
        Assert.True(file.IsPoisoned);
        Assert.Same(failure, Assert.Throws<WritebackException>(() => file.Flush(0, 1)).InnerException);
    }

    [Fact]
    public void WholeFileSemanticsRangeFlushFailsOnFsync()
    {
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.FSync, EIO);
        using MappedFile file = Open("wholefsync.bin", faults, options: new MappedFileOptions { Semantics = FlushSemantics.WholeFile });
        WritebackException failure = Assert.Throws<WritebackException>(() => file.Flush(0, 1));
        Assert.Equal("fsync", failure.Operation);
        Assert.Equal(1, faults.CallCount(SystemCalls.MSync));
    }

    [Fact]
    public void BackgroundWriterFailureSurfacesAtTheNextCall()
    {
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.SyncFileRange, EIO);
        using MappedFile file = Open("writer.bin", faults);
        int page = file.PageSize;
        file.StartWriteback(page, 3 * page); // returns: the failure happens on the writer thread
        Assert.True(Kernel.WaitUntil(() => file.IsPoisoned, 30_000), "the writer's failure never poisoned the file");
        WritebackException failure = Assert.Throws<WritebackException>(() => file.Flush(0, page));
        Assert.Equal($"sync_file_range(offset={page}, length={3 * page}) failed on '{file.Path}': EIO (Input/output error)", failure.Message);
        Assert.IsType<WritebackException>(failure.InnerException);
        Assert.Throws<WritebackException>(() => file.StartWriteback(0, page));
        Assert.Equal(0, faults.CallCount(SystemCalls.MSync));
    }

    [Fact]
    public async Task GroupCommitFailureFailsTheWaitersAndPoisons()
    {
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.MSync, EIO);
        using MappedFile file = Open("group.bin", faults);
        WritebackException failure = await Assert.ThrowsAsync<WritebackException>(() => file.FlushAsync(0, 100).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(EIO, failure.Errno);
        Assert.True(file.IsPoisoned);
        Assert.Throws<WritebackException>(() => file.Flush());
    }

    [Fact]
    public void FailedGrowLeavesLengthMappingAndFileUnchanged()
    {
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.MMap, ENOMEM, succeedFirst: 2); // reservation + file mapping succeed
        using MappedFile file = Open("grow.bin", faults, lengthBytes: 4096);
        file.Write(0, "keep"u8);
        WritebackException failure = Assert.Throws<WritebackException>(() => file.SetLength(10 * 4096));
        Assert.StartsWith("mmap(offset=4096, length=36864) failed on '", failure.Message, StringComparison.Ordinal);
        Assert.Equal(4096, file.Length);
        Assert.Equal(4096, new FileInfo(file.Path).Length);
        Assert.Equal("keep"u8.ToArray(), file.GetReadOnlySpan(0, 4).ToArray());
        Assert.False(file.IsPoisoned);
    }

    [Fact]
    public void FailedTruncateLeavesLengthUnchangedWhenGrowingOrShrinking()
    {
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.FTruncate, EIO, succeedFirst: 1); // the open's Length succeeds
        using MappedFile file = Open("truncate.bin", faults, lengthBytes: 4 * 4096);
        file.Write(3 * 4096, "tail"u8);
        WritebackException grow = Assert.Throws<WritebackException>(() => file.SetLength(8 * 4096));
        Assert.Equal($"ftruncate(length={8 * 4096}) failed on '{file.Path}': EIO (Input/output error)", grow.Message);
        Assert.Throws<WritebackException>(() => file.SetLength(4096));
        Assert.Equal(4 * 4096, file.Length);
        Assert.Equal(4 * 4096, new FileInfo(file.Path).Length);
        // The shrink unmapped the tail before truncating; it must be mapped back.
        Assert.Equal("tail"u8.ToArray(), file.GetReadOnlySpan(3 * 4096, 4).ToArray());
    }

    [Fact]
    public void OpenErrorsBecomeStandardExceptionsCarryingTheErrno()
    {
        UnauthorizedAccessException denied = Assert.Throws<UnauthorizedAccessException>(() =>
            MappedFile.Open(_directory.File("denied.bin"), null, new FaultInjector().Fail(SystemCalls.Open, EACCES)));
        WritebackException inner = Assert.IsType<WritebackException>(denied.InnerException);
        Assert.Equal(EACCES, inner.Errno);
        Assert.Equal($"open failed on '{_directory.File("denied.bin")}': EACCES (Permission denied)", denied.Message);

        FileNotFoundException missing = Assert.Throws<FileNotFoundException>(() =>
            MappedFile.Open(_directory.File("missing.bin"), new MappedFileOptions { Mode = FileMode.Open }));
        Assert.Equal(_directory.File("missing.bin"), missing.FileName);
        Assert.Equal(2, Assert.IsType<WritebackException>(missing.InnerException).Errno);
        Assert.False(File.Exists(_directory.File("missing.bin")));
    }

    [Fact]
    public void OpeningAnExistingFileWithCreateNewOrADirectoryFails()
    {
        string path = _directory.File("exists.bin");
        File.WriteAllBytes(path, [1, 2, 3]);
        WritebackException exists = Assert.Throws<WritebackException>(() => MappedFile.Open(path, new MappedFileOptions { Mode = FileMode.CreateNew }));
        Assert.Equal("EEXIST", exists.ErrnoName);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        UnauthorizedAccessException directory = Assert.Throws<UnauthorizedAccessException>(() => MappedFile.Open(_directory.Path));
        Assert.Equal("EISDIR", Assert.IsType<WritebackException>(directory.InnerException).ErrnoName);
    }

    [Fact]
    public void FailedMappingAtOpenThrowsAndLeavesNoMappingBehind()
    {
        string path = _directory.File("mapfail.bin");
        File.WriteAllBytes(path, new byte[3 * 4096]);
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.MMap, ENOMEM, succeedFirst: 1);
        WritebackException failure = Assert.Throws<WritebackException>(() => MappedFile.Open(path, null, faults));
        Assert.Equal("mmap", failure.Operation);
        Assert.Equal(ENOMEM, failure.Errno);
        // The existing file is untouched, and the reservation was released: it opens and maps again.
        using var file = MappedFile.Open(path);
        Assert.Equal(3 * 4096, file.Length);
    }

    [Theory]
    [InlineData(FileMode.OpenOrCreate)]
    [InlineData(FileMode.CreateNew)]
    public void AFileCreatedByAFailedOpenIsRemovedAgain(FileMode mode)
    {
        string path = _directory.File($"created-{mode}.bin");
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.MMap, ENOMEM);
        Assert.Throws<WritebackException>(() => MappedFile.Open(path, new MappedFileOptions { Mode = mode, Length = 4096 }, faults));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void CachestatMissingFromTheKernelIsPlatformNotSupported()
    {
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.Cachestat, ENOSYS);
        using MappedFile file = Open("old-kernel.bin", faults);
        PlatformNotSupportedException failure = Assert.Throws<PlatformNotSupportedException>(() => file.GetPageCacheState(0, 4096));
        Assert.Contains("cachestat(2) needs Linux 6.5 or later", failure.Message, StringComparison.Ordinal);
        Assert.Throws<PlatformNotSupportedException>(() =>
            Open("audit.bin", faults, options: new MappedFileOptions { ReportDirtyOutsideRange = true }));
    }

    [Fact]
    public void AdviseAndLockFailuresNameTheCallAndRange()
    {
        FaultInjector faults = new FaultInjector().Fail(SystemCalls.MAdvise, 22).Fail(SystemCalls.MLock, ENOMEM);
        using MappedFile file = Open("advise.bin", faults);
        WritebackException advise = Assert.Throws<WritebackException>(() => file.Advise(10, 4096, MemoryAdvice.PageOut));
        Assert.Equal($"madvise(offset=0, length=8192) failed on '{file.Path}': EINVAL (Invalid argument)", advise.Message);
        WritebackException mlock = Assert.Throws<WritebackException>(() => file.Lock(0, 1));
        Assert.Equal($"mlock(offset=0, length=4096) failed on '{file.Path}': ENOMEM (Cannot allocate memory)", mlock.Message);
        Assert.False(file.IsPoisoned); // not durability calls
    }

    [Fact]
    public void DirectoryStorageErrorsNameTheOperationAndPath()
    {
        var storage = new DirectoryStorage(_directory.Path, new FaultInjector().Fail(SystemCalls.FSync, EIO));
        WritebackException flush = Assert.Throws<WritebackException>(storage.FlushDirectory);
        Assert.Equal($"fsync failed on '{_directory.Path}': EIO (Input/output error)", flush.Message);

        var real = new DirectoryStorage(_directory.Path);
        FileNotFoundException rename = Assert.Throws<FileNotFoundException>(() => real.Rename("nope", "other"));
        Assert.Contains("rename failed on '", rename.Message, StringComparison.Ordinal);
        Assert.Contains("nope' -> '", rename.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => real.Delete("nope"));
    }
}
