using System.IO.MemoryMappedFiles;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// One way of storing into a mapped file and committing a range of it. S1 and S2 run the same
/// workload over each, so the only difference between arms is the commit call.
/// </summary>
internal interface ICommitSubject : IDisposable
{
    /// <summary>The arm's name in the table.</summary>
    string Name { get; }

    /// <summary>The mapped file's path.</summary>
    string Path { get; }

    /// <summary>A writable view of the mapping, for dirtying pages outside the timed part.</summary>
    Span<byte> GetSpan(long offsetBytes, int lengthBytes);

    /// <summary>Copies a record into the mapping the way a user of this API would.</summary>
    void Store(long offsetBytes, ReadOnlySpan<byte> record);

    /// <summary>Makes [offsetBytes, offsetBytes + lengthBytes) durable with this API's call.</summary>
    void Commit(long offsetBytes, int lengthBytes);
}

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

/// <summary>
/// .NET's own: a <see cref="MemoryMappedViewAccessor"/> over the whole file. Its <c>Flush()</c>
/// cannot take a range, so committing one page flushes the whole view (msync of the view with
/// MS_SYNC on Linux): what a .NET program does today.
/// </summary>
internal sealed unsafe class DotnetViewSubject : ICommitSubject
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _accessor;
    private readonly byte* _address;
    private readonly long _lengthBytes;

    public DotnetViewSubject(string path)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.ReadWrite);
        _accessor = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.ReadWrite);
        _lengthBytes = new FileInfo(path).Length;
        Path = path;
        byte* address = null;
        // Safety: the pointer is released in Dispose; the view covers the whole file
        // (PointerOffset is 0 for a view at offset 0) and spans are checked against its length.
        _accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref address);
        _address = address + _accessor.PointerOffset;
    }

    public string Name => "MemoryMappedViewAccessor.Flush()";

    public string Path { get; }

    public Span<byte> GetSpan(long offsetBytes, int lengthBytes)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offsetBytes + lengthBytes, _lengthBytes, nameof(lengthBytes));
        // Safety: checked against the view's length just above.
        return new Span<byte>(_address + offsetBytes, lengthBytes);
    }

    public void Store(long offsetBytes, ReadOnlySpan<byte> record) => record.CopyTo(GetSpan(offsetBytes, record.Length));

    public void Commit(long offsetBytes, int lengthBytes) => _accessor.Flush();

    public void Dispose()
    {
        _accessor.SafeMemoryMappedViewHandle.ReleasePointer();
        _accessor.Dispose();
        _file.Dispose();
    }
}
