namespace Writeback.Simulation.Tests.Contract;

/// <summary>The bodies of <see cref="StorageContract"/>'s cases: each takes a fresh, empty storage.</summary>
public static class StorageContractCases
{
    private const int Page = 4096;

    /// <summary>Runs case <paramref name="name"/> on <paramref name="storage"/>.</summary>
    public static void Run(string name, IMappedStorage storage)
    {
        Action<IMappedStorage> body = name switch
        {
            nameof(LengthsGrowAndShrinkWithZeros) => LengthsGrowAndShrinkWithZeros,
            nameof(OpenModesBehaveAlike) => OpenModesBehaveAlike,
            nameof(MaxLengthCapsSetLengthAndSpansSurviveGrowth) => MaxLengthCapsSetLengthAndSpansSurviveGrowth,
            nameof(OffsetsBeyond2GiBWork) => OffsetsBeyond2GiBWork,
            nameof(ReadOnlyFilesRefuseChanges) => ReadOnlyFilesRefuseChanges,
            nameof(UseAfterDisposeThrows) => UseAfterDisposeThrows,
            nameof(BadRangesNameTheirParameter) => BadRangesNameTheirParameter,
            nameof(BadNamesAndMissingFiles) => BadNamesAndMissingFiles,
            _ => throw new ArgumentException($"No contract case '{name}'.", nameof(name)),
        };
        body(storage);
    }

    public static void LengthsGrowAndShrinkWithZeros(IMappedStorage storage)
    {
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 10 });
        Assert.Equal(10, file.Length);
        file.Write(2, [1, 2, 3]);
        file.SetLength(5000);
        Assert.Equal(5000, file.Length);
        byte[] buffer = new byte[5000];
        file.Read(0, buffer);
        Assert.Equal([0, 0, 1, 2, 3], buffer[..5]);
        Assert.All(buffer[5..], b => Assert.Equal(0, b));
        file.SetLength(3);
        file.SetLength(2 * Page + 1);
        Assert.Equal([0, 0, 1, 0, 0, 0], file.GetReadOnlySpan(0, 6).ToArray());
        Assert.Equal(0, file.GetReadOnlySpan(2 * Page, 1)[0]);
        file.SetLength(0);
        Assert.Equal(0, file.Length);
        file.Flush(0, 0);
        file.FlushFile();
    }

    public static void OpenModesBehaveAlike(IMappedStorage storage)
    {
        using (IMappedFile created = storage.Open("f", new MappedFileOptions { Mode = FileMode.CreateNew, Length = Page }))
        {
            created.Write(0, [7]);
            created.FlushFile();
        }
        Assert.Equal(17, Assert.Throws<WritebackException>(() => storage.Open("f", new MappedFileOptions { Mode = FileMode.CreateNew })).Errno); // EEXIST
        using (IMappedFile opened = storage.Open("f", new MappedFileOptions { Mode = FileMode.Open }))
        {
            Assert.Equal(Page, opened.Length);
            Assert.Equal(7, opened.GetReadOnlySpan(0, 1)[0]);
        }
        using (IMappedFile truncated = storage.Open("f", new MappedFileOptions { Mode = FileMode.Truncate }))
        {
            Assert.Equal(0, truncated.Length);
        }
        using (IMappedFile grown = storage.Open("f", new MappedFileOptions { Mode = FileMode.Create, Length = 100 }))
        {
            Assert.Equal(100, grown.Length);
            Assert.Equal(0, grown.GetReadOnlySpan(0, 1)[0]);
        }
        Assert.Throws<FileNotFoundException>(() => storage.Open("missing", new MappedFileOptions { Mode = FileMode.Open }));
        Assert.Throws<FileNotFoundException>(() => storage.Open("missing", new MappedFileOptions { Mode = FileMode.Truncate }));
        Assert.Throws<ArgumentException>(() => storage.Open("g", new MappedFileOptions { Mode = FileMode.Append }));
        Assert.Throws<ArgumentException>(() => storage.Open("g", new MappedFileOptions { Access = FileAccess.Write }));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Open("g", new MappedFileOptions { Length = -1 }));
        Assert.False(storage.Exists("g"));
    }

    public static void MaxLengthCapsSetLengthAndSpansSurviveGrowth(IMappedStorage storage)
    {
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Page, MaxLength = 4 * Page });
        Span<byte> span = file.GetSpan(0, 8);
        file.SetLength(4 * Page);
        span[0] = 42; // the mapping did not move: a span taken before growth still reaches the file
        Assert.Equal(42, file.GetReadOnlySpan(0, 1)[0]);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => file.SetLength(4 * Page + 1)).ParamName);
        Assert.Equal(4 * Page, file.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Open("g", new MappedFileOptions { Length = 2 * Page, MaxLength = Page }));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Open("f", new MappedFileOptions { Mode = FileMode.Open, MaxLength = Page }));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Open("g", new MappedFileOptions { MaxLength = -1 }));
        using IMappedFile unbounded = storage.Open("h", new MappedFileOptions { Length = Page });
        unbounded.SetLength(MappedFile.DefaultMaxLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => unbounded.SetLength(MappedFile.DefaultMaxLength + Page));
        unbounded.SetLength(0);
    }

    public static void OffsetsBeyond2GiBWork(IMappedStorage storage)
    {
        const long Far = (2L << 30) + 3 * Page + 5; // past int.MaxValue, not page-aligned
        using IMappedFile file = storage.Open("big", new MappedFileOptions { Length = Far + Page });
        file.Write(Far, [1, 2, 3]);
        byte[] read = new byte[3];
        file.Read(Far, read);
        Assert.Equal([1, 2, 3], read);
        file.GetSpan(Far + 3, 2).Fill(9);
        Assert.Equal([1, 2, 3, 9, 9, 0], file.GetReadOnlySpan(Far, 6).ToArray());
        file.Flush(Far, 5);
        file.StartWriteback(Far, 5);
        file.FlushAsync(Far, 5).GetAwaiter().GetResult();
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => file.Flush(Far, Page + 1)).ParamName);
        file.SetLength(Page);
        file.SetLength(Far + Page);
        file.Read(Far, read);
        Assert.Equal([0, 0, 0], read);
        file.SetLength(0);
    }

    public static void ReadOnlyFilesRefuseChanges(IMappedStorage storage)
    {
        using (IMappedFile writer = storage.Open("f", new MappedFileOptions { Length = Page }))
        {
            writer.Write(0, [5]);
            writer.FlushFile();
        }
        Assert.Throws<ArgumentException>(() => storage.Open("f", new MappedFileOptions { Access = FileAccess.Read, Mode = FileMode.Create }));
        Assert.Throws<ArgumentException>(() => storage.Open("f", new MappedFileOptions { Access = FileAccess.Read, Length = 1 }));
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Access = FileAccess.Read, Mode = FileMode.Open });
        Assert.Equal(5, file.GetReadOnlySpan(0, 1)[0]);
        byte[] read = new byte[1];
        file.Read(0, read);
        Assert.Equal(5, read[0]);
        Assert.Throws<NotSupportedException>(() => file.Write(0, [1]));
        Assert.Throws<NotSupportedException>(() => file.GetSpan(0, 1));
        Assert.Throws<NotSupportedException>(() => file.SetLength(0));
        Assert.Equal(Page, file.Length);
        file.Read(0, read);
        Assert.Equal(5, read[0]);
    }

    public static void UseAfterDisposeThrows(IMappedStorage storage)
    {
        IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Page });
        file.Dispose();
        file.Dispose();
        Assert.Equal("f", file.Name);
        Assert.Equal(Page, file.Length);
        Assert.Throws<ObjectDisposedException>(() => file.Write(0, [1]));
        Assert.Throws<ObjectDisposedException>(() => file.Read(0, new byte[1]));
        Assert.Throws<ObjectDisposedException>(() => file.GetSpan(0, 1));
        Assert.Throws<ObjectDisposedException>(() => file.GetReadOnlySpan(0, 1));
        Assert.Throws<ObjectDisposedException>(() => file.SetLength(0));
        Assert.Throws<ObjectDisposedException>(() => file.Flush(0, 1));
        Assert.Throws<ObjectDisposedException>(file.Flush);
        Assert.Throws<ObjectDisposedException>(file.FlushFile);
        Assert.Throws<ObjectDisposedException>(() => file.StartWriteback(0, 1));
        Assert.Throws<ObjectDisposedException>(() => { _ = file.FlushAsync(0, 1); }); // thrown, not returned in the task
    }

    public static void BadRangesNameTheirParameter(IMappedStorage storage)
    {
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 100 });
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => file.Write(-1, [1])).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentOutOfRangeException>(() => file.Write(99, [1, 2])).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => file.Write(101, [])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentOutOfRangeException>(() => file.Read(0, new byte[101])).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => file.GetSpan(50, 51)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => file.GetReadOnlySpan(0, -1)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => file.Flush(50, 51)).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => file.Flush(101, 0)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => file.Flush(0, long.MaxValue)).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => file.StartWriteback(-1, 1)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = file.FlushAsync(1, 100); }).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => file.SetLength(-1)).ParamName);
        file.Write(100, []);
        file.Flush(100, 0);
    }

    public static void BadNamesAndMissingFiles(IMappedStorage storage)
    {
        Assert.Throws<ArgumentException>(() => storage.Open("a/b"));
        Assert.Throws<ArgumentException>(() => storage.Open(".."));
        Assert.Throws<ArgumentException>(() => storage.Exists(""));
        Assert.Throws<FileNotFoundException>(() => storage.Delete("missing"));
        Assert.Throws<FileNotFoundException>(() => storage.Rename("missing", "other"));
        storage.Open("f", new MappedFileOptions { Length = 1 }).Dispose();
        storage.Rename("f", "g");
        Assert.False(storage.Exists("f"));
        Assert.True(storage.Exists("g"));
        storage.Delete("g");
        Assert.False(storage.Exists("g"));
        storage.FlushDirectory();
    }
}
