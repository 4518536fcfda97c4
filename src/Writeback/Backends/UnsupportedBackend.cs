using System.Runtime.InteropServices;
using Writeback.Native;

namespace Writeback.Backends;

/// <summary>The backend of a system Writeback does not support: every call throws the same <see cref="PlatformNotSupportedException"/>.</summary>
internal sealed class UnsupportedBackend : MappingBackend
{
    public override DurabilityEngine Engine => throw NotSupported();
    public override string NameOf(NativeCall call) => throw NotSupported();
    public override int Open(string path, MappedFileOptions options, out SafeHandle file, out bool created) => throw NotSupported();
    public override int OpenDirectory(string path, out SafeHandle directory) => throw NotSupported();
    public override int SetFileLength(SafeHandle file, long lengthBytes) => throw NotSupported();
    public override int GetFileLength(SafeHandle file, out long lengthBytes) => throw NotSupported();
    public override int Reserve(long reservedBytes, out SafeMappingHandle reservation) => throw NotSupported();
    public override int Map(SafeHandle file, nint address, long offsetBytes, long lengthBytes, bool writable) => throw NotSupported();
    public override int Unmap(nint address, long lengthBytes) => throw NotSupported();
    public override int SyncRange(nint address, long lengthBytes) => throw NotSupported();
    public override int SyncFile(SafeHandle file) => throw NotSupported();
    public override int QueryPageCache(SafeHandle file, long offsetBytes, long lengthBytes, out PageCacheState state) => throw NotSupported();
    public override int Advise(nint address, long lengthBytes, MemoryAdvice advice) => throw NotSupported();
    public override int Lock(nint address, long lengthBytes, bool lockPages) => throw NotSupported();
    public override int Unlink(string path) => throw NotSupported();
    public override int Rename(string sourcePath, string targetPath) => throw NotSupported();
}
