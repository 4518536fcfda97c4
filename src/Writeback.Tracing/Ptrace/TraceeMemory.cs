using System.Runtime.InteropServices;
using System.Text;
using Writeback.Native;

namespace Writeback.Tracing.Ptrace;

/// <summary>Reads a stopped tracee's memory with process_vm_readv(2), page by page so a read never crosses into an unmapped page.</summary>
internal static class TraceeMemory
{
    private const int PageSizeBytes = 4096;

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes; false if any part is unreadable.</summary>
    public static bool TryRead(int pid, ulong address, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            int count = (int)Math.Min((ulong)(destination.Length - done), 1024 * 1024 - (at % PageSizeBytes));
            long read = ReadRemote(pid, at, destination.Slice(done, count));
            if (read <= 0)
            {
                return false;
            }
            done += (int)read;
        }
        return true;
    }

    /// <summary>One process_vm_readv(2) of <paramref name="local"/>.Length bytes at <paramref name="address"/>: the bytes read, or -1 (errno set).</summary>
    private static long ReadRemote(int pid, ulong address, Span<byte> local)
    {
        // Safety: the local iovec points into the span, pinned for the call, and its length is the span's,
        // so the kernel writes only within it; the remote iovec is an address in the tracee, which the
        // kernel checks itself, returning a short count or -1 instead of faulting this process.
        unsafe
        {
            fixed (byte* pointer = local)
            {
                var localIov = new Interop.IoVec { iov_base = pointer, iov_len = (nuint)local.Length };
                var remoteIov = new Interop.IoVec { iov_base = (void*)address, iov_len = (nuint)local.Length };
                return (long)Interop.Libc.process_vm_readv(pid, &localIov, 1, &remoteIov, 1, 0);
            }
        }
    }

    public static byte[] Read(int pid, ulong address, long lengthBytes)
    {
        byte[] bytes = new byte[lengthBytes];
        if (!TryRead(pid, address, bytes))
        {
            throw Errors.FromErrno<TraceException>(Interop.LastErrno, $"process_vm_readv(pid {pid}, address 0x{address:x}, {lengthBytes} bytes)", null);
        }
        return bytes;
    }

    /// <summary>Reads a NUL-terminated string of at most 4096 bytes (PATH_MAX), or null if unreadable.</summary>
    public static string? ReadString(int pid, ulong address)
    {
        if (address == 0)
        {
            return null;
        }
        Span<byte> buffer = stackalloc byte[4096];
        int length = 0;
        while (length < buffer.Length)
        {
            int chunk = (int)Math.Min(PageSizeBytes - ((address + (ulong)length) % PageSizeBytes), (ulong)(buffer.Length - length));
            if (!TryRead(pid, address + (ulong)length, buffer.Slice(length, chunk)))
            {
                return null;
            }
            int nul = buffer.Slice(length, chunk).IndexOf((byte)0);
            if (nul >= 0)
            {
                return Encoding.UTF8.GetString(buffer[..(length + nul)]);
            }
            length += chunk;
        }
        return null;
    }

    /// <summary>Gathers the first <paramref name="totalBytes"/> bytes of an iovec array (writev, pwritev).</summary>
    public static byte[] ReadIoVectors(int pid, ulong iovAddress, long iovCount, long totalBytes)
    {
        byte[] result = new byte[totalBytes];
        byte[] vectors = Read(pid, iovAddress, iovCount * 16);
        long done = 0L;
        for (int i = 0; i < iovCount && done < totalBytes; i++)
        {
            ulong baseAddress = BitConverter.ToUInt64(vectors, i * 16);
            long length = (long)Math.Min(BitConverter.ToUInt64(vectors, (i * 16) + 8), (ulong)(totalBytes - done));
            if (!TryRead(pid, baseAddress, result.AsSpan((int)done, (int)length)))
            {
                throw Errors.FromErrno<TraceException>(Interop.LastErrno, $"process_vm_readv(pid {pid}, iovec {i})", null);
            }
            done += length;
        }
        return result;
    }
}
