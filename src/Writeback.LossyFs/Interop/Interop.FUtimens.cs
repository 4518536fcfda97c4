using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>futimens(3); <paramref name="times"/> holds atime then mtime. (glibc's utimensat rejects a null name, so the descriptor form is used.)</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "futimens", SetLastError = true)]
        internal static unsafe partial int FUtimens(SafeFileHandle fd, TimeSpec* times);
    }
}
