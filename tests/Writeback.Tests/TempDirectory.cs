namespace Writeback.Tests;

/// <summary>
/// A fresh directory on the real disk (/var/tmp, not tmpfs: tmpfs has no writeback, so cachestat
/// never reports its pages dirty), deleted on dispose.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        string root = Directory.Exists("/var/tmp") ? "/var/tmp" : System.IO.Path.GetTempPath();
        Path = Directory.CreateTempSubdirectory("writeback-tests-").FullName;
        if (!Path.StartsWith(root, StringComparison.Ordinal))
        {
            Directory.Delete(Path);
            Path = System.IO.Path.Combine(root, "writeback-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
