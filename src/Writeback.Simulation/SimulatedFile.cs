using Writeback.Simulation.Model;

namespace Writeback.Simulation;

/// <summary>
/// A file of a <see cref="SimulatedStorage"/>. Its durability calls change nothing in memory: what
/// they guarantee is decided afterwards, per <see cref="KernelModel"/>, from the recorded calls.
/// </summary>
internal sealed class SimulatedFile : IMappedFile
{
    private readonly SimulatedStorage _storage;
    private readonly Inode _inode;
    private bool _disposed;

    public SimulatedFile(SimulatedStorage storage, Inode inode, string name, MappedFileOptions options)
    {
        _storage = storage;
        _inode = inode;
        Name = name;
        Semantics = options.Semantics;
        Access = options.Access;
    }

    public string Name { get; }

    public long Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _inode.LengthBytes;
        }
    }

    public int PageSize => _storage.PageSizeBytes;

    public FlushSemantics Semantics { get; }

    private FileAccess Access { get; }

    public Span<byte> GetSpan(long offset, int length)
    {
        CheckRange(offset, length, nameof(offset), nameof(length));
        CheckWritable("GetSpan");
        var memory = _inode.Materialize();
        _storage.MarkExposed(_inode, offset, length);
        return memory.AsSpan((int)offset, length);
    }

    public ReadOnlySpan<byte> GetReadOnlySpan(long offset, int length)
    {
        CheckRange(offset, length, nameof(offset), nameof(length));
        return _inode.ReadOnlyView(offset, length);
    }

    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _storage.BeginCall(CallKind.Write, _inode.Id, CallText.Write(Name, offset, source.Length), offset, source.Length, false);
        CheckRange(offset, source.Length, nameof(offset), nameof(source));
        CheckWritable("Write");
        source.CopyTo(_inode.Materialize().AsSpan((int)offset));
        _storage.MarkTouched(_inode, offset, source.Length);
    }

    public void Read(long offset, Span<byte> destination)
    {
        CheckRange(offset, destination.Length, nameof(offset), nameof(destination));
        _inode.Read(offset, destination);
    }

    public void SetLength(long length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _storage.BeginCall(CallKind.SetLength, _inode.Id, CallText.SetLength(Name, length), 0, length, false);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CheckWritable("SetLength");
        _storage.ChangeLength(_inode, length);
    }

    public void Flush(long offset, long length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _storage.BeginCall(CallKind.Flush, _inode.Id, CallText.Flush(Name, offset, length), offset, length, Semantics == FlushSemantics.WholeFile);
        CheckRange(offset, length, nameof(offset), nameof(length));
    }

    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _storage.BeginCall(CallKind.FlushMapping, _inode.Id, CallText.FlushMapping(Name), 0, _inode.LengthBytes, Semantics == FlushSemantics.WholeFile);
    }

    public void FlushFile()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _storage.BeginCall(CallKind.FlushFile, _inode.Id, CallText.FlushFile(Name), 0, _inode.LengthBytes, true);
    }

    public void StartWriteback(long offset, long length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _storage.BeginCall(CallKind.StartWriteback, _inode.Id, CallText.StartWriteback(Name, offset, length), offset, length, false);
        CheckRange(offset, length, nameof(offset), nameof(length));
    }

    public Task FlushAsync(long offset, long length, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _storage.BeginCall(CallKind.FlushAsync, _inode.Id, CallText.FlushAsync(Name, offset, length), offset, length, Semantics == FlushSemantics.WholeFile);
        CheckRange(offset, length, nameof(offset), nameof(length));
        // The simulated flush completes at once; its guarantee is that of Flush(offset, length).
        return Task.CompletedTask;
    }

    public void Dispose() => _disposed = true;

    private void CheckWritable(string operation)
    {
        if (Access == FileAccess.Read)
        {
            throw new UnauthorizedAccessException($"{operation} on '{Name}' failed: the file was opened read-only.");
        }
    }

    private void CheckRange(long offsetBytes, long lengthBytes, string offsetName, string lengthName)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offsetBytes, offsetName);
        ArgumentOutOfRangeException.ThrowIfNegative(lengthBytes, lengthName);
        if (offsetBytes > _inode.LengthBytes || lengthBytes > _inode.LengthBytes - offsetBytes)
        {
            throw new ArgumentOutOfRangeException(lengthName, lengthBytes,
                $"The range [{offsetBytes}, {offsetBytes}+{lengthBytes}) lies beyond the end of '{Name}' ({_inode.LengthBytes} bytes).");
        }
    }
}
