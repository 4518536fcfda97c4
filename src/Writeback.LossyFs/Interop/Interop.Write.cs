using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>write(2) from a raw buffer; used for /dev/fuse replies, one write per reply.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint Write(SafeFileHandle fd, byte* buffer, nuint count);
    }
}
