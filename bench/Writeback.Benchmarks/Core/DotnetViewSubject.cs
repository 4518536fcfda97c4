using System.IO.MemoryMappedFiles;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// .NET's own: a <see cref="MemoryMappedViewAccessor"/> over the whole file. Its <c>Flush()</c>
/// cannot take a range, so committing one page flushes the whole view (msync of the view with
/// MS_SYNC on Linux): what a .NET program does today.
/// </summary>
internal sealed class DotnetViewSubject : ICommitSubject
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _accessor;
    private readonly unsafe byte* _address;
    private readonly long _lengthBytes;

    public DotnetViewSubject(string path)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.ReadWrite);
        _accessor = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.ReadWrite);
        _lengthBytes = new FileInfo(path).Length;
        Path = path;
        // Safety: the pointer is released in Dispose; the view covers the whole file
        // (PointerOffset is 0 for a view at offset 0) and spans are checked against its length.
        unsafe
        {
            byte* address = null;
            _accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref address);
            _address = address + _accessor.PointerOffset;
        }
    }

    public string Name => "MemoryMappedViewAccessor.Flush()";

    public string Path { get; }

    public Span<byte> GetSpan(long offsetBytes, int lengthBytes)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offsetBytes + lengthBytes, _lengthBytes, nameof(lengthBytes));
        // Safety: checked against the view's length just above.
        unsafe
        {
            return new Span<byte>(_address + offsetBytes, lengthBytes);
        }
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
