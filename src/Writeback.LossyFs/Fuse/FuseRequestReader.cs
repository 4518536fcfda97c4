using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Writeback.LossyFs.Fuse;

/// <summary>
/// Reads the body of one FUSE request without throwing: every <c>TryRead…</c> returns
/// <see langword="false"/> on a short or malformed body, and the dispatcher turns that into an
/// <c>EINVAL</c> reply. Kernel input is never trusted to be well formed.
/// </summary>
internal ref struct FuseRequestReader
{
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Creates a reader over a request body (the bytes after <c>fuse_in_header</c>).</summary>
    public FuseRequestReader(ReadOnlySpan<byte> body) => _remaining = body;

    /// <summary>The bytes not yet consumed.</summary>
    public readonly ReadOnlySpan<byte> Remaining => _remaining;

    /// <summary>Reads one fixed-size structure.</summary>
    public bool TryRead<T>(out T value) where T : unmanaged
    {
        int sizeBytes = Unsafe.SizeOf<T>();
        if (_remaining.Length < sizeBytes)
        {
            value = default;
            return false;
        }
        value = MemoryMarshal.Read<T>(_remaining);
        _remaining = _remaining[sizeBytes..];
        return true;
    }

    /// <summary>
    /// Reads a structure that older protocol minors sent shorter (e.g. <c>fuse_mknod_in</c>,
    /// <c>fuse_write_in</c>): at least <paramref name="minimumBytes"/> must be present; missing
    /// trailing fields read as zero.
    /// </summary>
    public bool TryReadAtLeast<T>(int minimumBytes, out T value) where T : unmanaged
    {
        int sizeBytes = Unsafe.SizeOf<T>();
        if (_remaining.Length >= sizeBytes)
        {
            return TryRead(out value);
        }
        value = default;
        if (_remaining.Length < minimumBytes)
        {
            return false;
        }
        _remaining[..minimumBytes].CopyTo(MemoryMarshal.AsBytes(new Span<T>(ref value)));
        _remaining = _remaining[minimumBytes..];
        return true;
    }

    /// <summary>Reads a NUL-terminated name; fails when there is no terminator, the name is empty, or it contains '/'.</summary>
    public bool TryReadName(out ReadOnlySpan<byte> name)
    {
        int end = _remaining.IndexOf((byte)0);
        if (end <= 0 || _remaining[..end].IndexOf((byte)'/') >= 0)
        {
            name = default;
            return false;
        }
        name = _remaining[..end];
        _remaining = _remaining[(end + 1)..];
        return true;
    }

    /// <summary>Reads a NUL-terminated byte string that may contain '/' (a symbolic link's target).</summary>
    public bool TryReadPath(out ReadOnlySpan<byte> path)
    {
        int end = _remaining.IndexOf((byte)0);
        if (end <= 0)
        {
            path = default;
            return false;
        }
        path = _remaining[..end];
        _remaining = _remaining[(end + 1)..];
        return true;
    }

    /// <summary>Takes exactly <paramref name="lengthBytes"/> bytes (a write's payload).</summary>
    public bool TryReadBytes(int lengthBytes, out ReadOnlySpan<byte> bytes)
    {
        if (lengthBytes < 0 || _remaining.Length < lengthBytes)
        {
            bytes = default;
            return false;
        }
        bytes = _remaining[..lengthBytes];
        _remaining = _remaining[lengthBytes..];
        return true;
    }

    /// <summary>
    /// Splits one request read from /dev/fuse into its header and body. Fails (returns
    /// <see langword="false"/>) when the buffer is shorter than the header, or the header's length
    /// disagrees with the bytes read, or the extension area does not fit.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> request, out FuseInHeader header, out ReadOnlySpan<byte> body)
    {
        body = default;
        if (request.Length < Unsafe.SizeOf<FuseInHeader>())
        {
            header = default;
            return false;
        }
        header = MemoryMarshal.Read<FuseInHeader>(request);
        if (header.len != (uint)request.Length)
        {
            return false;
        }
        int extensionBytes = header.total_extlen * 8;
        int bodyBytes = request.Length - Unsafe.SizeOf<FuseInHeader>() - extensionBytes;
        if (bodyBytes < 0)
        {
            return false;
        }
        body = request.Slice(Unsafe.SizeOf<FuseInHeader>(), bodyBytes);
        return true;
    }
}
