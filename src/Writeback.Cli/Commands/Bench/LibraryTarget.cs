namespace Writeback.Cli.Commands.Bench;

/// <summary>A file opened with the library's <see cref="MappedFile"/>, committed by one of its calls.</summary>
internal sealed class LibraryTarget : IBenchTarget
{
    private readonly MappedFile _file;
    private readonly LibraryCommit _commit;

    /// <summary>Opens and maps the file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="commit">How records are committed.</param>
    public LibraryTarget(string path, LibraryCommit commit)
    {
        _file = MappedFile.Open(path, new MappedFileOptions { Mode = FileMode.Open });
        _commit = commit;
    }

    /// <inheritdoc />
    public void Store(long offsetBytes, ReadOnlySpan<byte> data) => _file.Write(offsetBytes, data);

    /// <inheritdoc />
    public ValueTask CommitAsync(long offsetBytes, int lengthBytes)
    {
        switch (_commit)
        {
            case LibraryCommit.FlushRange:
                _file.Flush(offsetBytes, lengthBytes);
                break;
            case LibraryCommit.FlushMapping:
                _file.Flush();
                break;
            case LibraryCommit.FlushFile:
                _file.FlushFile();
                break;
            case LibraryCommit.StartWriteback:
                _file.StartWriteback(offsetBytes, lengthBytes);
                break;
            case LibraryCommit.FlushAsync:
                return new ValueTask(_file.FlushAsync(offsetBytes, lengthBytes));
            default:
                throw new ArgumentOutOfRangeException(nameof(offsetBytes), _commit, "unknown commit kind");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}

/// <summary>Which <see cref="MappedFile"/> call a <see cref="LibraryTarget"/> commits with.</summary>
internal enum LibraryCommit
{
    /// <summary><see cref="MappedFile.Flush(long, long)"/>.</summary>
    FlushRange,

    /// <summary><see cref="MappedFile.Flush()"/>.</summary>
    FlushMapping,

    /// <summary><see cref="MappedFile.FlushFile"/>.</summary>
    FlushFile,

    /// <summary><see cref="MappedFile.StartWriteback"/>.</summary>
    StartWriteback,

    /// <summary><see cref="MappedFile.FlushAsync"/>.</summary>
    FlushAsync,
}
