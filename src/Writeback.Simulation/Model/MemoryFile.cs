namespace Writeback.Simulation.Model;

/// <summary>
/// A file of a <see cref="MemoryStorage"/>: checks every argument as <see cref="MappedFile"/> does
/// and keeps the bytes in its <see cref="Model.Inode"/>. Its durability calls change nothing in
/// memory: what they guarantee is decided afterwards, per <see cref="KernelModel"/>, from the record.
/// </summary>
internal sealed class MemoryFile : IMappedFile
{
    private readonly FileAccess _access;
    private bool _disposed;

    public MemoryFile(Inode inode, string name, MappedFileOptions options, int pageSizeBytes)
    {
        Inode = inode;
        Name = name;
        Semantics = options.Semantics;
        _access = options.Access;
        PageSize = pageSizeBytes;
    }

    public Inode Inode { get; }

    public string Name { get; }

    public long Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Inode.LengthBytes;
        }
    }

    public int PageSize { get; }

    public FlushSemantics Semantics { get; }

    public Span<byte> GetSpan(long offset, int length)
    {
        CheckRange(offset, length, nameof(offset), nameof(length));
        CheckWritable("GetSpan");
        return Inode.WritableView(offset, length);
    }

    public ReadOnlySpan<byte> GetReadOnlySpan(long offset, int length)
    {
        CheckRange(offset, length, nameof(offset), nameof(length));
        return Inode.ReadOnlyView(offset, length);
    }

    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        CheckRange(offset, source.Length, nameof(offset), nameof(source));
        CheckWritable("Write");
        Inode.Write(offset, source);
    }

    public void Read(long offset, Span<byte> destination)
    {
        CheckRange(offset, destination.Length, nameof(offset), nameof(destination));
        Inode.Read(offset, destination);
    }

    public void SetLength(long length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CheckWritable("SetLength");
        Inode.ChangeLength(length);
    }

    public void Flush(long offset, long length) => CheckRange(offset, length, nameof(offset), nameof(length));

    public void Flush() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void FlushFile() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void StartWriteback(long offset, long length) => CheckRange(offset, length, nameof(offset), nameof(length));

    public Task FlushAsync(long offset, long length, CancellationToken cancellationToken = default)
    {
        CheckRange(offset, length, nameof(offset), nameof(length));
        return Task.CompletedTask;
    }

    public void Dispose() => _disposed = true;

    private void CheckWritable(string operation)
    {
        if (_access == FileAccess.Read)
        {
            throw new UnauthorizedAccessException($"{operation} on '{Name}' failed: the file was opened read-only.");
        }
    }

    private void CheckRange(long offsetBytes, long lengthBytes, string offsetName, string lengthName)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offsetBytes, offsetName);
        ArgumentOutOfRangeException.ThrowIfNegative(lengthBytes, lengthName);
        if (offsetBytes > Inode.LengthBytes || lengthBytes > Inode.LengthBytes - offsetBytes)
        {
            throw new ArgumentOutOfRangeException(lengthName, lengthBytes,
                $"The range [{offsetBytes}, {offsetBytes}+{lengthBytes}) lies beyond the end of '{Name}' ({Inode.LengthBytes} bytes).");
        }
    }
}
