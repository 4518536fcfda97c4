namespace Writeback.Benchmarks.Core;

/// <summary>The baseline: plain mmap + msync(MS_SYNC) on the page-rounded range, through P/Invoke.</summary>
internal sealed class RawCommitSubject(string path) : ICommitSubject
{
    private readonly RawMapping _mapping = new(path);

    public string Name => "raw msync(range)";

    public string Path => path;

    public Span<byte> GetSpan(long offsetBytes, int lengthBytes) => _mapping.GetSpan(offsetBytes, lengthBytes);

    public void Store(long offsetBytes, ReadOnlySpan<byte> record) => record.CopyTo(_mapping.GetSpan(offsetBytes, record.Length));

    public void Commit(long offsetBytes, int lengthBytes) => _mapping.MSync(offsetBytes, lengthBytes);

    public void Dispose() => _mapping.Dispose();
}
