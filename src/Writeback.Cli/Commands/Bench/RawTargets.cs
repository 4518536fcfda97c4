using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;
using Writeback.Native;

namespace Writeback.Cli.Commands.Bench;

/// <summary>
/// A file mapped with .NET's <see cref="MemoryMappedFile"/>, committed either by
/// <see cref="MemoryMappedViewAccessor.Flush"/> or by a raw system call made through the shared
/// interop layer (src/Common/Interop): the baselines the library is measured against.
/// </summary>
internal sealed class RawTarget : IBenchTarget
{
    private readonly string _path;
    private readonly SafeFileHandle _handle;
    private readonly MemoryMappedFile _mapping;
    private readonly MemoryMappedViewAccessor _view;
    private readonly unsafe byte* _base;
    private readonly SafeFileDescriptorHandle _fd;
    private readonly RawCommit _commit;
    private readonly int _pageSizeBytes = Environment.SystemPageSize;
    private bool _fdReferenced;

    /// <summary>Maps the whole file for reading and writing.</summary>
    /// <param name="path">The file.</param>
    /// <param name="fileBytes">Its size.</param>
    /// <param name="commit">How records are committed.</param>
    public RawTarget(string path, long fileBytes, RawCommit commit)
    {
        _path = path;
        _commit = commit;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        _mapping = MemoryMappedFile.CreateFromFile(_handle, null, fileBytes, MemoryMappedFileAccess.ReadWrite,
                                                   HandleInheritability.None, leaveOpen: true);
        _view = _mapping.CreateViewAccessor(0, fileBytes, MemoryMappedFileAccess.ReadWrite);
        // Safety: AcquirePointer is balanced by ReleasePointer in Dispose; the view lives as long as this object.
        unsafe
        {
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
        }
        _handle.DangerousAddRef(ref _fdReferenced);
        // The same descriptor, for the interop declarations; _handle owns it and stays referenced until Dispose.
        _fd = new SafeFileDescriptorHandle((int)_handle.DangerousGetHandle(), ownsHandle: false);
    }

    /// <inheritdoc />
    public void Store(long offsetBytes, ReadOnlySpan<byte> data)
    {
        // Safety: offsets come from BenchWorkload, which keeps them inside the file the view maps.
        unsafe
        {
            data.CopyTo(new Span<byte>(_base + offsetBytes, data.Length));
        }
    }

    // msync(MS_SYNC) of [start, start + length) of the mapping; returns 0 or the errno.
    private int MSync(long startBytes, long lengthBytes)
    {
        // Safety: [start, start + length) lies inside the mapping; msync needs a page-aligned address.
        unsafe
        {
            return Interop.Libc.MSync((nint)(_base + startBytes), lengthBytes, Interop.Libc.MS_SYNC);
        }
    }

    /// <inheritdoc />
    public ValueTask CommitAsync(long offsetBytes, int lengthBytes)
    {
        long startBytes = offsetBytes / _pageSizeBytes * _pageSizeBytes;
        long roundedBytes = offsetBytes + lengthBytes - startBytes;
        switch (_commit)
        {
            case RawCommit.MsyncRange:
                ThrowIfFailed(MSync(startBytes, roundedBytes), "msync", startBytes, roundedBytes);
                break;
            case RawCommit.Fdatasync:
                ThrowIfFailed(Interop.Libc.FDataSync(_fd), "fdatasync", null, null);
                break;
            case RawCommit.SyncFileRangeWait:
                ThrowIfFailed(Interop.Libc.SyncFileRange(_fd, startBytes, roundedBytes,
                    Interop.Libc.SYNC_FILE_RANGE_WAIT_BEFORE | Interop.Libc.SYNC_FILE_RANGE_WRITE | Interop.Libc.SYNC_FILE_RANGE_WAIT_AFTER),
                    "sync_file_range", startBytes, roundedBytes);
                break;
            case RawCommit.SyncFileRangeWrite:
                ThrowIfFailed(Interop.Libc.SyncFileRange(_fd, startBytes, roundedBytes, Interop.Libc.SYNC_FILE_RANGE_WRITE),
                              "sync_file_range", startBytes, roundedBytes);
                break;
            case RawCommit.ViewAccessorFlush:
                _view.Flush();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(offsetBytes), _commit, "unknown commit kind");
        }

        return ValueTask.CompletedTask;
    }

    private void ThrowIfFailed(int errno, string operation, long? offsetBytes, long? lengthBytes)
    {
        if (errno != 0)
        {
            throw new WritebackException(operation, _path, offsetBytes, lengthBytes, errno);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _fd.Dispose(); // does not close: _handle owns the descriptor
        if (_fdReferenced)
        {
            _handle.DangerousRelease();
            _fdReferenced = false;
        }

        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _mapping.Dispose();
        _handle.Dispose();
    }
}

/// <summary>How a <see cref="RawTarget"/> commits a record.</summary>
internal enum RawCommit
{
    /// <summary>msync(MS_SYNC) of the record's pages.</summary>
    MsyncRange,

    /// <summary>fdatasync(2) of the file: every dirty page of it.</summary>
    Fdatasync,

    /// <summary>sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER) of the record's pages: written, not durable.</summary>
    SyncFileRangeWait,

    /// <summary>sync_file_range(WRITE): starts writeback and returns.</summary>
    SyncFileRangeWrite,

    /// <summary>.NET's MemoryMappedViewAccessor.Flush(): msync of the whole view.</summary>
    ViewAccessorFlush,
}
