using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>mkdirat(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int MkdirAt(SafeFileHandle dirFd, string name, uint mode);

        /// <summary>mkdirat(2) relative to a raw descriptor (AT_FDCWD).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int MkdirAt(int dirFd, string name, uint mode);
    }
}
