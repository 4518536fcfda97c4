using System.Text;
using Writeback.Native;

namespace Writeback.LossyFs.Tests;

#pragma warning disable IDE1006, CA1707
/// <summary>
/// The few libc calls tests make directly (fsync of a directory has no .NET API), in the shapes the
/// tests use (int descriptors; -1 with the errno in Interop.LastErrno), over the shared interop
/// layer's declarations (src/Common/Interop, seen through LossyFs): no declaration of its own.
/// </summary>
internal static class Native
{
    internal const int AT_FDCWD = Interop.Libc.AT_FDCWD;
    internal const int O_RDONLY = Interop.Libc.O_RDONLY;
    internal const int O_WRONLY = Interop.Libc.O_WRONLY;
    internal const int O_RDWR = Interop.Libc.O_RDWR;
    internal const int O_CREAT = Interop.Libc.O_CREAT;
    internal const int O_EXCL = Interop.Libc.O_EXCL;
    internal static int O_DIRECTORY => Interop.Libc.O_DIRECTORY;
    internal const uint RENAME_NOREPLACE = Interop.Libc.RENAME_NOREPLACE;
    internal const uint RENAME_EXCHANGE = Interop.Libc.RENAME_EXCHANGE;

    internal static int open(string path, int flags) => Interop.Libc.OpenAt(AT_FDCWD, path, flags, 0);

    internal static int open(string path, int flags, uint mode) => Interop.Libc.OpenAt(AT_FDCWD, path, flags, mode);

    internal static int fsync(int fd) => Interop.Libc.fsync(Borrow(fd));

    internal static int fdatasync(int fd) => Interop.Libc.fdatasync(Borrow(fd));

    internal static int ftruncate(int fd, long length) => Interop.Libc.ftruncate(Borrow(fd), length);

    internal static int close(int fd) => Interop.Libc.close(fd);

    internal static int renameat2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags) =>
        Interop.Libc.renameat2(Borrow(oldDirFd), ByteString(oldPath), Borrow(newDirFd), ByteString(newPath), flags);

    internal static int link(string oldPath, string newPath) => Interop.Libc.linkat(AT_FDCWD, oldPath, Borrow(AT_FDCWD), newPath, 0);

    internal static int symlink(string target, string path) => Interop.Libc.symlinkat([.. Encoding.UTF8.GetBytes(target), 0], Borrow(AT_FDCWD), path);

    internal static int mkdir(string path, uint mode) => Interop.Libc.mkdirat(AT_FDCWD, path, mode);

    internal static int rmdir(string path) => Interop.Libc.unlinkat(Borrow(AT_FDCWD), ByteString(path), Interop.Libc.AT_REMOVEDIR);

    internal static int unlink(string path) => Interop.Libc.unlinkat(Borrow(AT_FDCWD), ByteString(path), 0);

    internal static nint pwrite(int fd, ReadOnlySpan<byte> buffer, nuint count, long offset)
    {
        // Safety: the span is pinned for the call and count never exceeds its length (callers pass buffer.Length).
        unsafe
        {
            fixed (byte* pointer = buffer)
            {
                return Interop.Libc.pwrite(Borrow(fd), pointer, Math.Min(count, (nuint)buffer.Length), offset);
            }
        }
    }

    internal static nint read(int fd, Span<byte> buffer, nuint count)
    {
        // Safety: the span is pinned for the call and count never exceeds its length.
        unsafe
        {
            fixed (byte* pointer = buffer)
            {
                return Interop.Libc.read(Borrow(fd), pointer, Math.Min(count, (nuint)buffer.Length));
            }
        }
    }

    /// <summary>open(2) with a path given as raw bytes (names need not be UTF-8).</summary>
    internal static int OpenBytes(byte[] path, int flags, uint mode) =>
        Interop.Libc.OpenAt(Borrow(AT_FDCWD), Latin1String(path), flags, mode);

    // A descriptor the test owns as an int, lent to a declaration that takes a SafeHandle (never closed by it).
    private static SafeFileDescriptorHandle Borrow(int fd) => new(fd, ownsHandle: false);

    // The shared declarations that take names as byte strings (one char per byte): a UTF-8 path's bytes.
    private static string ByteString(string path) => Latin1String(Encoding.UTF8.GetBytes(path));

    private static string Latin1String(byte[] bytes) => Encoding.Latin1.GetString(bytes);
}
