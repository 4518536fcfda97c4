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

    internal const int AT_FDCWD = -100;
    internal const uint RENAME_NOREPLACE = 1;
    internal const uint RENAME_EXCHANGE = 2;
}
