using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>syncfs(2): writes back the dirty pages of the file system <paramref name="fd"/> is on.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "syncfs", SetLastError = true)]
        internal static partial int SyncFs(SafeFileHandle fd);
    }
}
