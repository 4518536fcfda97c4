using System.Runtime.InteropServices;
using Writeback.Native;

namespace Writeback.Backends;

/// <summary>
/// Everything operating-system specific behind <see cref="MappedFile"/> and
/// <see cref="DirectoryStorage"/>: the platform-neutral front does argument checks, poisoning,
/// spans, metrics and group commit, and calls only this. Every method returns 0 or the system's
/// error number and never throws; <see cref="NameOf"/> names each call for error messages.
/// Chosen in one place, <see cref="MappingBackend.Current"/>. Implementations are stateless and
/// thread-safe. The test assembly decorates one to inject faults.
/// </summary>
internal interface IMappingBackend
{
    /// <summary>The name of <paramref name="call"/> on this system, as error messages show it (<c>msync</c>).</summary>
    string NameOf(NativeCall call);

    /// <summary>The largest <see cref="AsyncRequest.LengthBytes"/> <see cref="Submit"/> accepts.</summary>
    long MaxAsyncRequestBytes { get; }

    /// <summary>Opens or creates the file as <paramref name="options"/> say; reports whether this call created it.</summary>
    int Open(string path, MappedFileOptions options, out SafeHandle file, out bool created);

    /// <summary>Opens a directory so it can be synced.</summary>
    int OpenDirectory(string path, out SafeHandle directory);

    /// <summary>Sets the file's length (ftruncate).</summary>
    int SetFileLength(SafeHandle file, long lengthBytes);

    /// <summary>Reads the file's length.</summary>
    int GetFileLength(SafeHandle file, out long lengthBytes);

    /// <summary>Reserves address space only: no memory and no file behind it.</summary>
    int Reserve(long reservedBytes, out SafeMappingHandle reservation);

    /// <summary>Maps the file's page-aligned range at <paramref name="address"/>, inside a reservation.</summary>
    int Map(SafeHandle file, nint address, long offsetBytes, long lengthBytes, bool writable);

    /// <summary>Puts the reservation back over a mapped range; dirty pages stay in the page cache.</summary>
    int Unmap(nint address, long lengthBytes);

    /// <summary>Makes the mapped range durable, waiting on the caller's thread (msync(MS_SYNC)).</summary>
    int SyncRange(nint address, long lengthBytes);

    /// <summary>Makes the whole file's data and metadata durable (fsync).</summary>
    int SyncFile(SafeHandle file);

    /// <summary>Hands <paramref name="request"/> to the process's durability engine; never blocks on the device.</summary>
    void Submit(in AsyncRequest request);

    /// <summary>Page-cache state of a byte range (cachestat); a length of 0 means "to the end of the file".</summary>
    int QueryPageCache(SafeHandle file, long offsetBytes, long lengthBytes, out PageCacheState state);

    /// <summary>Passes advice for the mapped range (madvise).</summary>
    int Advise(nint address, long lengthBytes, MemoryAdvice advice);

    /// <summary>Locks (mlock) or unlocks (munlock) the mapped range.</summary>
    int Lock(nint address, long lengthBytes, bool lockPages);

    /// <summary>Removes a name (unlink).</summary>
    int Unlink(string path);

    /// <summary>Renames atomically, replacing the target (rename).</summary>
    int Rename(string sourcePath, string targetPath);
}
