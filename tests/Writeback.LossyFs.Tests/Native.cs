using System.Runtime.InteropServices;

namespace Writeback.LossyFs.Tests;

#pragma warning disable IDE1006, CA1707
/// <summary>The few libc calls tests make directly (fsync of a directory has no .NET API).</summary>
internal static partial class Native
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int renameat2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int link(string oldPath, string newPath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial nint pwrite(int fd, ReadOnlySpan<byte> buffer, nuint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int ftruncate(int fd, long length);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int symlink(string target, string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mkdir(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rmdir(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int unlink(string path);

    /// <summary>open(2) with a path given as raw bytes (names need not be UTF-8).</summary>
    internal static unsafe int OpenBytes(byte[] path, int flags, uint mode)
    {
        byte[] terminated = [.. path, 0];
        fixed (byte* pointer = terminated)
        {
            return open_bytes(pointer, flags, mode);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static unsafe partial int open_bytes(byte* path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial nint read(int fd, Span<byte> buffer, nuint count);

    internal const int AT_FDCWD = -100;
    internal const int O_RDONLY = 0;
    internal const int O_WRONLY = 1;
    internal const int O_RDWR = 2;
    internal const int O_CREAT = 0x40;
    internal const int O_EXCL = 0x80;
    internal const int O_DIRECTORY = 0x10000;
    internal const uint RENAME_NOREPLACE = 1;
    internal const uint RENAME_EXCHANGE = 2;
}
