namespace Writeback.Cli.Commands.Inspect;

/// <summary>
/// A file opened for page-cache queries through the library's public API.
/// </summary>
internal sealed class PageCacheSource : IDisposable
{
    private PageCacheSource(long lengthBytes, int pageSizeBytes)
    {
        LengthBytes = lengthBytes;
        PageSizeBytes = pageSizeBytes;
    }

    /// <summary>The file's length in bytes.</summary>
    public long LengthBytes { get; }

    /// <summary>The page size in bytes.</summary>
    public int PageSizeBytes { get; }

    /// <summary>Opens <paramref name="path"/> for queries.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The source; the caller disposes it.</returns>
    public static PageCacheSource Open(string path)
    {
        // Interim until the core library's MappedFile lands on this branch (git merge core).
        _ = new PageCacheSource(0, Environment.SystemPageSize);
        throw new PlatformNotSupportedException(
            $"inspect: '{path}': this build of writeback was made before the core library's MappedFile.GetPageCacheState was available.");
    }

    /// <summary>The page-cache state of a byte range.</summary>
    /// <param name="offsetBytes">Start in bytes.</param>
    /// <param name="lengthBytes">Length in bytes.</param>
    /// <returns>The counts.</returns>
    public PageCacheState Query(long offsetBytes, long lengthBytes) => default;

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
