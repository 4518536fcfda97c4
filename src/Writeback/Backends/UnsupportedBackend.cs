using System.Runtime.InteropServices;
using Writeback.Native;

namespace Writeback.Backends;

/// <summary>The backend of a system Writeback does not support: every call throws the same <see cref="PlatformNotSupportedException"/>.</summary>
internal sealed class UnsupportedBackend : IMappingBackend
{
    public long MaxAsyncRequestBytes => throw MappingBackend.NotSupported();
    public string NameOf(NativeCall call) => throw MappingBackend.NotSupported();
    public int Open(string path, MappedFileOptions options, out SafeHandle file, out bool created) => throw MappingBackend.NotSupported();
    public int OpenDirectory(string path, out SafeHandle directory) => throw MappingBackend.NotSupported();
    public int SetFileLength(SafeHandle file, long lengthBytes) => throw MappingBackend.NotSupported();
    public int GetFileLength(SafeHandle file, out long lengthBytes) => throw MappingBackend.NotSupported();
    public int Reserve(long reservedBytes, out SafeMappingHandle reservation) => throw MappingBackend.NotSupported();
    public int Map(SafeHandle file, nint address, long offsetBytes, long lengthBytes, bool writable) => throw MappingBackend.NotSupported();
    public int Unmap(nint address, long lengthBytes) => throw MappingBackend.NotSupported();
    public int SyncRange(nint address, long lengthBytes) => throw MappingBackend.NotSupported();
    public int SyncFile(SafeHandle file) => throw MappingBackend.NotSupported();
    public void Submit(in AsyncRequest request) => throw MappingBackend.NotSupported();
    public int QueryPageCache(SafeHandle file, long offsetBytes, long lengthBytes, out PageCacheState state) => throw MappingBackend.NotSupported();
    public int Advise(nint address, long lengthBytes, MemoryAdvice advice) => throw MappingBackend.NotSupported();
    public int Lock(nint address, long lengthBytes, bool lockPages) => throw MappingBackend.NotSupported();
    public int Unlink(string path) => throw MappingBackend.NotSupported();
    public int Rename(string sourcePath, string targetPath) => throw MappingBackend.NotSupported();
}
