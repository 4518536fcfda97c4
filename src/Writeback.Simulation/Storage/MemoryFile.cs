using System.Globalization;

namespace Writeback.Simulation.Storage;

/// <summary>
/// A file of a <see cref="MemoryStorage"/>: checks every argument, in the same order and with the
/// same exceptions as <see cref="MappedFile"/>, and keeps the bytes in its <see cref="Inode"/>.
/// Its durability calls change nothing in memory: what they guarantee is decided afterwards, per
/// <see cref="KernelModel"/>, from the record. An injected storage fault (<see cref="ArmFailure"/>)
/// makes the next durability call fail and poisons the file exactly as <see cref="MappedFile"/> does.
/// </summary>
internal sealed class MemoryFile : IMappedFile
{
    private const string MSync = "msync";
    private const string FSync = "fsync";
    private readonly bool _writable;
    private int? _armedErrno;
    private WritebackException? _poison;
    private bool _disposed;

    public MemoryFile(Inode inode, string name, MappedFileOptions options, int pageSizeBytes, long maxLengthBytes)
    {
        Inode = inode;
        Name = name;
        Semantics = options.Semantics;
        _writable = options.Access != FileAccess.Read;
        PageSize = pageSizeBytes;
        MaxLength = maxLengthBytes;
    }

    public Inode Inode { get; }

    public string Name { get; }

    /// <summary>The length; readable after <see cref="Dispose"/>, as <see cref="MappedFile.Length"/> is.</summary>
    public long Length => Inode.LengthBytes;

    /// <summary>The largest length <see cref="SetLength"/> accepts, as <see cref="MappedFile.MaxLength"/>.</summary>
    public long MaxLength { get; }

    public int PageSize { get; }

    public FlushSemantics Semantics { get; }

    public Span<byte> GetSpan(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfReadOnly();
        ValidateRange(offset, length);
        return Inode.WritableView(offset, length);
    }

    public ReadOnlySpan<byte> GetReadOnlySpan(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateRange(offset, length);
        return Inode.ReadOnlyView(offset, length);
    }

    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfReadOnly();
        ValidateRange(offset, source.Length, nameof(offset), nameof(source));
        Inode.Write(offset, source);
    }

    public void Read(long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateRange(offset, destination.Length, nameof(offset), nameof(destination));
        Inode.Read(offset, destination);
    }

    public void SetLength(long length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfReadOnly();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length,
                $"The length exceeds the {MaxLength} bytes of address space reserved for '{Name}'; open it with a larger MappedFileOptions.MaxLength.");
        }
        Inode.ChangeLength(length);
    }

    public void Flush(long offset, long length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateRange(offset, length);
        ThrowIfPoisoned();
        if (length > 0)
        {
            FailIfArmed(Semantics == FlushSemantics.WholeFile ? FSync : MSync, offset, length);
        }
    }

    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfPoisoned();
        if (Semantics == FlushSemantics.WholeFile || Inode.LengthBytes > 0)
        {
            FailIfArmed(Semantics == FlushSemantics.WholeFile ? FSync : MSync, 0, Inode.LengthBytes);
        }
    }

    public void FlushFile()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfPoisoned();
        FailIfArmed(FSync, 0, Inode.LengthBytes);
    }

    public void StartWriteback(long offset, long length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateRange(offset, length);
        ThrowIfPoisoned();
    }

    public Task FlushAsync(long offset, long length, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateRange(offset, length);
        if (_poison is { } poison)
        {
            return Task.FromException(Repeat(poison));
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        if (length > 0 && _armedErrno is not null)
        {
            try
            {
                FailIfArmed(Semantics == FlushSemantics.WholeFile ? FSync : MSync, offset, length);
            }
            catch (WritebackException failure)
            {
                return Task.FromException(failure);
            }
        }
        return Task.CompletedTask;
    }

    public void Dispose() => _disposed = true;

    /// <summary>The next durability call that gets past its argument checks fails with <paramref name="errno"/>.</summary>
    public void ArmFailure(int errno) => _armedErrno = errno;

    /// <summary>Forgets an armed failure that no call used (the call threw before reaching it).</summary>
    public void Disarm() => _armedErrno = null;

    /// <summary>Whether <paramref name="error"/> is the injected failure itself (not a later call's repeat of it).</summary>
    public bool IsInjectedFailure(Exception error) => _poison is not null && ReferenceEquals(error, _poison);

    private void FailIfArmed(string operation, long offsetBytes, long lengthBytes)
    {
        if (_armedErrno is not { } errno)
        {
            return;
        }
        _armedErrno = null;
        var (startBytes, endBytes) = Pages.Covering(offsetBytes, lengthBytes, PageSize);
        _poison = operation == FSync
            ? new WritebackException(FSync, Name, null, null, errno)
            : new WritebackException(MSync, Name, startBytes, endBytes - startBytes, errno);
        throw _poison;
    }

    private void ThrowIfPoisoned()
    {
        if (_poison is { } poison)
        {
            throw Repeat(poison);
        }
    }

    // A later call on a poisoned file: the original errno, operation and range; the original as inner exception (as MappedFile).
    private static WritebackException Repeat(WritebackException original) =>
        new(original.Operation, original.FilePath, original.Offset, original.Length, original.Errno, original);

    private void ThrowIfReadOnly()
    {
        if (!_writable)
        {
            throw new NotSupportedException($"'{Name}' was opened read-only (FileAccess.Read).");
        }
    }

    private void ValidateRange(long offset, long length, string offsetName = "offset", string lengthName = "length")
    {
        var fileLengthBytes = Inode.LengthBytes;
        if (offset < 0 || offset > fileLengthBytes)
        {
            throw new ArgumentOutOfRangeException(offsetName, offset,
                string.Create(CultureInfo.InvariantCulture, $"The offset must be between 0 and the length of '{Name}' ({fileLengthBytes} bytes)."));
        }
        if (length < 0 || length > fileLengthBytes - offset)
        {
            throw new ArgumentOutOfRangeException(lengthName, length,
                string.Create(CultureInfo.InvariantCulture,
                    $"The range at offset {offset} must have a length between 0 and {fileLengthBytes - offset} bytes to stay within '{Name}' ({fileLengthBytes} bytes)."));
        }
    }
}
