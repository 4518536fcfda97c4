namespace Writeback.Cli.Commands.Inspect;

/// <summary>
/// A file opened read-only for page-cache queries through the library's public API:
/// <see cref="MappedFile.GetPageCacheState"/> (cachestat(2), Linux 6.5+). Mapping the file
/// neither reads nor dirties any page, so inspecting does not change what it shows.
/// </summary>
internal sealed class PageCacheSource : IDisposable
{
    private readonly MappedFile _file;

    private PageCacheSource(MappedFile file) => _file = file;

    /// <summary>The file's length in bytes.</summary>
    public long LengthBytes => _file.Length;

    /// <summary>The page size in bytes.</summary>
    public int PageSizeBytes => _file.PageSize;

    /// <summary>Opens <paramref name="path"/> read-only for queries.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The source; the caller disposes it.</returns>
    public static PageCacheSource Open(string path) =>
        new(MappedFile.Open(path, new MappedFileOptions { Mode = FileMode.Open, Access = FileAccess.Read }));

    /// <summary>The page-cache state of a byte range within the file.</summary>
    /// <param name="offsetBytes">Start in bytes.</param>
    /// <param name="lengthBytes">Length in bytes.</param>
    /// <returns>The counts.</returns>
    public PageCacheState Query(long offsetBytes, long lengthBytes) => _file.GetPageCacheState(offsetBytes, lengthBytes);

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
