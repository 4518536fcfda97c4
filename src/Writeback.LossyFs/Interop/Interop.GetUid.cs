using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>geteuid(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "geteuid")]
        internal static partial uint GetEUid();

        /// <summary>getegid(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "getegid")]
        internal static partial uint GetEGid();
    }
}
