using System.Runtime.InteropServices;
using Writeback.Backends;
using Writeback.Native;

namespace Writeback;

// Opening through the backend, growth and shrinking, and cachestat queries.
public sealed partial class MappedFile
{
    private static MappedFile OpenCore(string path, MappedFileOptions options, MappingBackend backend)
    {
        Errors.ThrowIfFailed<WritebackException>(backend.Open(path, options, out var fileHandle, out var created), backend.NameOf(NativeCall.Open), path, resolvesPath: true);
        SafeMappingHandle? mapping = null;
        try
        {
            var lengthBytes = SetInitialLength(backend, fileHandle, path, options);
            var reservedBytes = RoundUpToPage(Math.Max(lengthBytes, options.MaxLength ?? Math.Max(lengthBytes, DefaultMaxLength)));
            if (options.MaxLength is { } maxLength && maxLength < lengthBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(options), maxLength,
                    $"MappedFileOptions.MaxLength ({maxLength}) is below the length of '{path}' ({lengthBytes} bytes).");
            }
            var errno = backend.Reserve(reservedBytes, out mapping);
            Errors.ThrowIfFailed<WritebackException>(errno, backend.NameOf(NativeCall.Reserve), path, 0, reservedBytes);
            var file = new MappedFile(path, options, backend, fileHandle, mapping, lengthBytes);
            if (lengthBytes > 0)
            {
                file.MapFileRange(0, RoundUpToPage(lengthBytes));
            }
            if (options.ReportDirtyOutsideRange)
            {
                // Fail at open, not after the first successful flush, when the kernel cannot audit.
                file.QueryPageCache(0, 0);
            }
            return file;
        }
        catch
        {
            mapping?.Dispose();
            fileHandle.Dispose();
            if (created)
            {
                // No partial state: a file this failed open created is removed again.
                _ = backend.Unlink(path);
            }
            throw;
        }
    }

    private static long SetInitialLength(MappingBackend backend, SafeHandle file, string path, MappedFileOptions options)
    {
        if (options.Length is { } length)
        {
            Errors.ThrowIfFailed<WritebackException>(backend.SetFileLength(file, length), backend.NameOf(NativeCall.SetFileLength), path, length: length);
        }
        Errors.ThrowIfFailed<WritebackException>(backend.GetFileLength(file, out var lengthBytes), backend.NameOf(NativeCall.GetFileLength), path);
        return lengthBytes;
    }

    private static long RoundUpToPage(long bytes) => Pages.RoundUp(bytes, Environment.SystemPageSize);

    // Maps the file's page-aligned range [start, end) over the reservation at the same offset.
    private void MapFileRange(long startBytes, long endBytes)
    {
        var errno = _backend.Map(_file, _baseAddress + (nint)startBytes, startBytes, endBytes - startBytes, _writable);
        ThrowIfFailed(errno, NativeCall.Map, startBytes, endBytes - startBytes);
    }

    private void SetLengthCore(long newLengthBytes)
    {
        var oldLengthBytes = Length;
        long oldMappedBytes = RoundUp(oldLengthBytes), newMappedBytes = RoundUp(newLengthBytes);
        if (newLengthBytes >= oldLengthBytes)
        {
            ThrowIfFailed(_backend.SetFileLength(_file, newLengthBytes), NativeCall.SetFileLength, null, newLengthBytes);
            if (newMappedBytes > oldMappedBytes)
            {
                try
                {
                    MapFileRange(oldMappedBytes, newMappedBytes);
                }
                catch
                {
                    // No partial state: give the file its old length back (it only had zeros appended).
                    _ = _backend.SetFileLength(_file, oldLengthBytes);
                    throw;
                }
            }
        }
        else
        {
            // Unmap first, then truncate: if the truncate fails the file is mapped back and unchanged.
            if (newMappedBytes < oldMappedBytes)
            {
                ThrowIfFailed(_backend.Unmap(_baseAddress + (nint)newMappedBytes, oldMappedBytes - newMappedBytes),
                              NativeCall.Map, newMappedBytes, oldMappedBytes - newMappedBytes);
            }
            var errno = _backend.SetFileLength(_file, newLengthBytes);
            if (errno != 0)
            {
                if (newMappedBytes < oldMappedBytes)
                {
                    MapFileRange(newMappedBytes, oldMappedBytes);
                }
                ThrowIfFailed(errno, NativeCall.SetFileLength, null, newLengthBytes);
            }
        }
        Volatile.Write(ref _lengthBytes, newLengthBytes);
    }

    private PageCacheState QueryPageCache(long offset, long length)
    {
        var errno = _backend.QueryPageCache(_file, offset, length, out var state);
        if (errno != 0)
        {
            throw Errors.FromCachestat<WritebackException>(errno, _backend.NameOf(NativeCall.QueryPageCache), Path, offset, length);
        }
        return state;
    }
}
