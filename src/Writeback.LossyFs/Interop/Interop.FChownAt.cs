using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>fchownat(2); with an empty name and <c>AT_EMPTY_PATH</c> it changes the file the descriptor refers to.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int FChownAt(SafeFileHandle dirFd, string name, uint uid, uint gid, int flags);
    }
}
