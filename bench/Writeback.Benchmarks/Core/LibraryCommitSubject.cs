namespace Writeback.Benchmarks.Core;

/// <summary>The candidate: <see cref="MappedFile"/>'s <c>Write</c> and <c>Flush(offset, length)</c>.</summary>
internal sealed class LibraryCommitSubject(string path) : ICommitSubject
{
    private readonly MappedFile _file = MappedFile.Open(path, new MappedFileOptions { Mode = FileMode.Open });

    public string Name => "MappedFile.Flush(range)";

    public string Path => path;

    public Span<byte> GetSpan(long offsetBytes, int lengthBytes) => _file.GetSpan(offsetBytes, lengthBytes);

    public void Store(long offsetBytes, ReadOnlySpan<byte> record) => _file.Write(offsetBytes, record);

    public void Commit(long offsetBytes, int lengthBytes) => _file.Flush(offsetBytes, lengthBytes);

    public void Dispose() => _file.Dispose();
}
