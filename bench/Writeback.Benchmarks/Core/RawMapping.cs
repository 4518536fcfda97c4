using System.Runtime.InteropServices;
using Writeback.Native;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// A whole file mapped shared and read-write with plain mmap(2), and the raw calls on it: the
/// baseline every library call is measured against. The calls go straight to the shared
/// <c>Interop.Libc</c> P/Invoke declarations the library calls too (src/Common/Interop), past everything MappedFile adds around them. Errors become <see cref="WritebackException"/>
/// like the library's, so a failing baseline names the call, path, range and errno too.
/// </summary>
internal sealed class RawMapping : IDisposable
{
    private readonly SafeFileDescriptorHandle _handle;
    private unsafe byte* _address;

    public RawMapping(string path)
    {
        Path = path;
        var errno = Interop.Libc.Open(path, Interop.Libc.O_RDWR, 0, out _handle);
        if (errno != 0)
        {
            throw new WritebackException("open", path, null, null, errno);
        }
        LengthBytes = Interop.Libc.lseek(_handle, 0, Interop.Libc.SEEK_END);
        // Safety: the length is the file's current length and the fd is open read-write; the
        // mapping lives until Dispose, and every span handed out is bounds-checked against it.
        unsafe
        {
            var address = Interop.Libc.mmap(null, (nuint)LengthBytes, Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE, Interop.Libc.MAP_SHARED, _handle, 0);
            if (address == Interop.Libc.MAP_FAILED)
            {
                errno = Interop.LastErrno;
                _handle.Dispose();
                throw new WritebackException("mmap", path, 0, LengthBytes, errno);
            }
            _address = (byte*)address;
        }
    }

    public string Path { get; }

    public long LengthBytes { get; }

    /// <summary>A bounds-checked view of the mapping.</summary>
    public Span<byte> GetSpan(long offsetBytes, int lengthBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offsetBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(lengthBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offsetBytes + lengthBytes, LengthBytes, nameof(lengthBytes));
        // Safety: the range was checked against the mapping's length just above.
        unsafe
        {
            return new Span<byte>(_address + offsetBytes, lengthBytes);
        }
    }

    /// <summary>msync(MS_SYNC) on the page-rounded range: what Flush(offset, length) is measured against.</summary>
    public void MSync(long offsetBytes, long lengthBytes)
    {
        var startBytes = Pages.RoundDown(offsetBytes, Environment.SystemPageSize);
        var endBytes = offsetBytes + lengthBytes;
        int errno;
        // Safety: [startBytes, endBytes) lies inside the mapping; callers pass in-bounds ranges.
        unsafe
        {
            errno = Interop.Libc.MSync((nint)(_address + startBytes), endBytes - startBytes, Interop.Libc.MS_SYNC);
        }
        if (errno != 0)
        {
            throw new WritebackException("msync", Path, offsetBytes, lengthBytes, errno);
        }
    }

    /// <summary>sync_file_range(SYNC_FILE_RANGE_WRITE) on the fd: what StartWriteback is measured against.</summary>
    public void SyncFileRangeWrite(long offsetBytes, long lengthBytes)
    {
        if (Interop.Libc.sync_file_range(_handle, offsetBytes, lengthBytes, Interop.Libc.SYNC_FILE_RANGE_WRITE) != 0)
        {
            throw new WritebackException("sync_file_range", Path, offsetBytes, lengthBytes, Interop.LastErrno);
        }
    }

    public void Dispose()
    {
        // Safety: _address and LengthBytes are exactly what mmap returned and was given; unmapped once.
        unsafe
        {
            if (_address != null)
            {
                _ = Interop.Libc.munmap(_address, (nuint)LengthBytes);
                _address = null;
            }
        }
        _handle.Dispose();
    }
}
