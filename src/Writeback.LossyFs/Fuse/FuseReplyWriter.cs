using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Writeback.LossyFs.Fuse;

/// <summary>
/// Builds one reply in a caller-owned buffer: a <c>fuse_out_header</c> followed by the payload.
/// Handlers append the payload; <see cref="Finish"/> fills in the header.
/// </summary>
internal ref struct FuseReplyWriter
{
    private readonly Span<byte> _buffer;
    private int _lengthBytes;

    /// <summary>Creates a writer; the header's bytes are reserved at the start of <paramref name="buffer"/>.</summary>
    public FuseReplyWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _lengthBytes = Unsafe.SizeOf<FuseOutHeader>();
    }

    /// <summary>Payload bytes appended so far.</summary>
    public readonly int PayloadBytes => _lengthBytes - Unsafe.SizeOf<FuseOutHeader>();

    /// <summary>Room left for payload.</summary>
    public readonly int FreeBytes => _buffer.Length - _lengthBytes;

    /// <summary>Appends one structure.</summary>
    public void Append<T>(in T value) where T : unmanaged
    {
        MemoryMarshal.Write(_buffer[_lengthBytes..], in value);
        _lengthBytes += Unsafe.SizeOf<T>();
    }

    /// <summary>Appends raw bytes.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_lengthBytes..]);
        _lengthBytes += bytes.Length;
    }

    /// <summary>Returns a span of <paramref name="lengthBytes"/> payload bytes to fill in place (a read's data), then <see cref="Commit"/> how many were used.</summary>
    public readonly Span<byte> GetSpan(int lengthBytes) => _buffer.Slice(_lengthBytes, lengthBytes);

    /// <summary>Marks <paramref name="lengthBytes"/> bytes obtained from <see cref="GetSpan"/> as part of the payload.</summary>
    public void Commit(int lengthBytes) => _lengthBytes += lengthBytes;

    /// <summary>Appends zero bytes up to the next multiple of 8 (<c>FUSE_DIRENT_ALIGN</c>).</summary>
    public void AlignTo8()
    {
        int aligned = FuseKernel.FUSE_DIRENT_ALIGN(_lengthBytes);
        _buffer[_lengthBytes..aligned].Clear();
        _lengthBytes = aligned;
    }

    /// <summary>
    /// Writes the header and returns the reply's bytes. A non-zero <paramref name="errno"/> drops
    /// the payload: an error reply is the header alone, with <c>error = -errno</c>.
    /// </summary>
    public ReadOnlySpan<byte> Finish(ulong unique, int errno)
    {
        if (errno != 0)
        {
            _lengthBytes = Unsafe.SizeOf<FuseOutHeader>();
        }
        var header = new FuseOutHeader { len = (uint)_lengthBytes, error = -errno, unique = unique };
        MemoryMarshal.Write(_buffer, in header);
        return _buffer[.._lengthBytes];
    }
}
