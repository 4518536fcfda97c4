using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.Benchmarks.LossyFs;

internal static partial class Interop
{
    /// <summary>From /usr/include/linux/fadvise.h.</summary>
    public const int POSIX_FADV_RANDOM = 1;

    /// <summary>From /usr/include/linux/fadvise.h.</summary>
    public const int POSIX_FADV_DONTNEED = 4;

    /// <summary>posix_fadvise(3): returns the error number (0 on success), it does not set errno.</summary>
    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    public static partial int PosixFadvise(SafeFileHandle fd, long offset, long len, int advice);
}
