using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>fstatvfs(3).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fstatvfs", SetLastError = true)]
        internal static partial int FStatVfs(SafeFileHandle fd, out StatVfs buffer);
    }
}
