namespace Writeback.LossyFs.Tests.Programs;

/// <summary>A fresh directory under the temp directory, deleted (best effort) on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    /// <summary>Creates <c>$TMPDIR/writeback-&lt;prefix&gt;-&lt;guid&gt;</c>.</summary>
    public ScratchDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"writeback-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>A subdirectory, created.</summary>
    public string Sub(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // a mount point still busy; the temp directory is cleaned by the OS
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
