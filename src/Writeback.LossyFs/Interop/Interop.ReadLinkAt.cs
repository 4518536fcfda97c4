using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>readlinkat(2); with an empty name it reads the symbolic link an O_PATH descriptor refers to.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial nint ReadLinkAt(SafeFileHandle dirFd, string name, byte* buffer, nuint size);
    }
}
