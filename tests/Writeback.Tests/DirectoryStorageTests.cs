namespace Writeback.Tests;

public sealed class DirectoryStorageTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void OpenRenameDeleteAndFlushDirectory()
    {
        var storage = new DirectoryStorage(_directory.Path);
        using (IMappedFile file = storage.Open("a.tmp", new MappedFileOptions { Length = 4 }))
        {
            file.Write(0, "abcd"u8);
            file.Flush(0, 4);
        }
        Assert.True(storage.Exists("a.tmp"));
        storage.Rename("a.tmp", "a");
        storage.FlushDirectory();
        Assert.False(storage.Exists("a.tmp"));
        Assert.Equal("abcd"u8.ToArray(), File.ReadAllBytes(_directory.File("a")));
        storage.Delete("a");
        storage.FlushDirectory();
        Assert.False(storage.Exists("a"));
    }
}
