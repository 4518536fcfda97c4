using Writeback.Native;

namespace Writeback.Tests;

/// <summary>Every public member rejects bad input with the documented exception, before any system call.</summary>
public sealed class BadInputTests : IDisposable
{
    private const long FileBytes = 3 * 4096 + 100;
    private readonly TempDirectory _directory = new();
    private readonly FaultInjector _calls = new();
    private readonly MappedFile _file;

    public BadInputTests() => _file = MappedFile.Open(_directory.File("bad.bin"), new MappedFileOptions { Length = FileBytes }, _calls);

    public void Dispose()
    {
        _file.Dispose();
        _directory.Dispose();
    }

    /// <summary>Each ranged member, as (name, call(offset, length)).</summary>
    public static TheoryData<string> RangedMembers => new(
        "GetSpan", "GetReadOnlySpan", "Write", "Read", "Flush", "StartWriteback", "FlushAsync",
        "GetPageCacheState", "Advise", "Lock", "Unlock");

    private void Call(string member, long offset, long length)
    {
        switch (member)
        {
            case "GetSpan": _file.GetSpan(offset, checked((int)length)); break;
            case "GetReadOnlySpan": _file.GetReadOnlySpan(offset, checked((int)length)); break;
            case "Write": _file.Write(offset, new byte[Math.Clamp(length, 0, 1 << 20)]); break;
            case "Read": _file.Read(offset, new byte[Math.Clamp(length, 0, 1 << 20)]); break;
            case "Flush": _file.Flush(offset, length); break;
            case "StartWriteback": _file.StartWriteback(offset, length); break;
            case "FlushAsync": _ = _file.FlushAsync(offset, length); break;
            case "GetPageCacheState": _file.GetPageCacheState(offset, length); break;
            case "Advise": _file.Advise(offset, length, MemoryAdvice.Normal); break;
            case "Lock": _file.Lock(offset, length); break;
            case "Unlock": _file.Unlock(offset, length); break;
            default: throw new ArgumentException(member);
        }
    }

    private static string LengthParameter(string member) => member switch
    {
        "Write" => "source",
        "Read" => "destination",
        _ => "length",
    };

    [Theory]
    [MemberData(nameof(RangedMembers))]
    public void NegativeOffsetIsRejected(string member)
    {
        ArgumentOutOfRangeException failure = Assert.Throws<ArgumentOutOfRangeException>(() => Call(member, -1, 1));
        Assert.Equal("offset", failure.ParamName);
        AssertNoDurabilityCall();
    }

    [Theory]
    [MemberData(nameof(RangedMembers))]
    public void OffsetBeyondTheEndIsRejected(string member)
    {
        ArgumentOutOfRangeException failure = Assert.Throws<ArgumentOutOfRangeException>(() => Call(member, FileBytes + 1, 0));
        Assert.Equal("offset", failure.ParamName);
        Assert.Contains(_file.Path, failure.Message, StringComparison.Ordinal);
        AssertNoDurabilityCall();
    }

    [Theory]
    [MemberData(nameof(RangedMembers))]
    public void RangeBeyondTheEndIsRejected(string member)
    {
        ArgumentOutOfRangeException failure = Assert.Throws<ArgumentOutOfRangeException>(() => Call(member, FileBytes - 10, 11));
        Assert.Equal(LengthParameter(member), failure.ParamName);
        AssertNoDurabilityCall();
    }

    [Theory]
    [InlineData("Flush")]
    [InlineData("StartWriteback")]
    [InlineData("FlushAsync")]
    [InlineData("GetPageCacheState")]
    [InlineData("Advise")]
    [InlineData("Lock")]
    [InlineData("Unlock")]
    public void NegativeAndOverflowingLengthsAreRejected(string member)
    {
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => Call(member, 0, -1)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => Call(member, 4096, long.MaxValue)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => Call(member, FileBytes, long.MaxValue)).ParamName);
        AssertNoDurabilityCall();
    }

    [Fact]
    public void NegativeSpanLengthIsRejected()
    {
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => _file.GetSpan(0, -1)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => _file.GetReadOnlySpan(0, -1)).ParamName);
    }

    [Theory]
    [MemberData(nameof(RangedMembers))]
    public void TheWholeFileAndEmptyRangesAtTheEndAreAccepted(string member)
    {
        Call(member, 0, FileBytes);
        Call(member, FileBytes, 0);
    }

    [Fact]
    public void ZeroLengthFlushIsAValidatedNoOp()
    {
        _file.Flush(100, 0);
        _file.StartWriteback(100, 0);
        Assert.True(_file.FlushAsync(100, 0).IsCompletedSuccessfully);
        AssertNoDurabilityCall();
    }

    [Fact]
    public void UndefinedAdviceIsRejected() =>
        Assert.Equal("advice", Assert.Throws<ArgumentOutOfRangeException>(() => _file.Advise(0, 1, (MemoryAdvice)99)).ParamName);

    [Fact]
    public void SetLengthRejectsNegativeAndBeyondMaxLength()
    {
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => _file.SetLength(-1)).ParamName);
        ArgumentOutOfRangeException tooLong = Assert.Throws<ArgumentOutOfRangeException>(() => _file.SetLength(_file.MaxLength + 1));
        Assert.Equal("length", tooLong.ParamName);
        Assert.Contains("open it with a larger MappedFileOptions.MaxLength", tooLong.Message, StringComparison.Ordinal);
        Assert.Equal(0, _calls.CallCount(SystemCalls.FTruncate) - 1); // only the open's Length
    }

    [Fact]
    public void OpenRejectsBadPathsAndOptions()
    {
        string path = _directory.File("options.bin");
        Assert.Throws<ArgumentNullException>(() => MappedFile.Open(null!));
        Assert.Throws<ArgumentException>(() => MappedFile.Open(""));
        MappedFileOptions[] rejected =
        [
            new() { Mode = FileMode.Append },
            new() { Mode = (FileMode)42 },
            new() { Access = FileAccess.Write },
            new() { Access = FileAccess.Read, Mode = FileMode.Create },
            new() { Access = FileAccess.Read, Length = 10 },
        ];
        foreach (MappedFileOptions options in rejected)
        {
            Assert.Equal("options", Assert.Throws<ArgumentException>(() => MappedFile.Open(path, options)).ParamName);
        }
        MappedFileOptions[] outOfRange =
        [
            new() { Length = -1 },
            new() { MaxLength = -1 },
            new() { Length = 8192, MaxLength = 4096 },
            new() { Semantics = (FlushSemantics)7 },
        ];
        foreach (MappedFileOptions options in outOfRange)
        {
            Assert.Equal("options", Assert.Throws<ArgumentOutOfRangeException>(() => MappedFile.Open(path, options)).ParamName);
        }
        Assert.False(File.Exists(path)); // nothing was created by a rejected open
        using (MappedFile.Open(path, new MappedFileOptions { Length = 3 * 4096 }))
        {
        }
        ArgumentOutOfRangeException belowFile = Assert.Throws<ArgumentOutOfRangeException>(() => MappedFile.Open(path, new MappedFileOptions { MaxLength = 4096 }));
        Assert.Contains("below the length of", belowFile.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOnlyFilesRefuseWrites()
    {
        using var file = MappedFile.Open(_file.Path, new MappedFileOptions { Access = FileAccess.Read });
        Assert.Throws<NotSupportedException>(() => file.GetSpan(0, 1));
        Assert.Throws<NotSupportedException>(() => file.Write(0, [1]));
        Assert.Throws<NotSupportedException>(() => file.SetLength(1));
        Assert.Equal(0, file.GetReadOnlySpan(0, 1)[0]);
        file.Flush(0, 1); // flushing a read-only mapping is allowed and has nothing to write
    }

    [Fact]
    public void EveryMemberThrowsObjectDisposedAfterDispose()
    {
        var file = MappedFile.Open(_directory.File("disposed.bin"), new MappedFileOptions { Length = 4096 });
        file.Dispose();
        file.Dispose(); // idempotent
        Action[] calls =
        [
            () => file.GetSpan(0, 1), () => file.GetReadOnlySpan(0, 1), () => file.Write(0, [1]),
            () => file.Read(0, new byte[1]), () => file.SetLength(1), () => file.Flush(0, 1), () => file.Flush(),
            () => file.FlushFile(), () => file.StartWriteback(0, 1), () => file.FlushAsync(0, 1),
            () => file.GetPageCacheState(0, 1), () => file.Advise(0, 1, MemoryAdvice.Normal), () => file.Lock(0, 1),
            () => file.Unlock(0, 1),
        ];
        foreach (Action call in calls)
        {
            Assert.Throws<ObjectDisposedException>(call);
        }
    }

    [Fact]
    public void DirectoryStorageRejectsBadDirectoriesAndNames()
    {
        Assert.Throws<ArgumentNullException>(() => new DirectoryStorage(null!));
        Assert.Throws<ArgumentException>(() => new DirectoryStorage(""));
        Assert.Throws<DirectoryNotFoundException>(() => new DirectoryStorage(_directory.File("no-such-dir")));
        var storage = new DirectoryStorage(_directory.Path);
        foreach (string? name in new[] { "", ".", "..", "a/b", "/abs", "nul\0" })
        {
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => storage.Open(name)).ParamName);
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => storage.Exists(name)).ParamName);
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => storage.Delete(name)).ParamName);
            Assert.Equal("sourceName", Assert.Throws<ArgumentException>(() => storage.Rename(name, "ok")).ParamName);
            Assert.Equal("targetName", Assert.Throws<ArgumentException>(() => storage.Rename("ok", name)).ParamName);
        }
        Assert.Throws<ArgumentNullException>(() => storage.Open(null!));
        Assert.Throws<ArgumentNullException>(() => storage.Rename("a", null!));
    }

    private void AssertNoDurabilityCall()
    {
        Assert.Equal(0, _calls.CallCount(SystemCalls.MSync));
        Assert.Equal(0, _calls.CallCount(SystemCalls.FSync));
        Assert.Equal(0, _calls.CallCount(SystemCalls.SyncFileRange));
        Assert.Equal(0, _calls.CallCount(SystemCalls.MAdvise));
        Assert.Equal(0, _calls.CallCount(SystemCalls.MLock));
        Assert.Equal(0, _calls.CallCount(SystemCalls.Cachestat));
    }
}
