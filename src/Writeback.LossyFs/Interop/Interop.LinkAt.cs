using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>linkat(2). With <c>AT_EMPTY_PATH</c> and an empty <paramref name="oldName"/> it links the file <paramref name="oldDirFd"/> refers to (needs CAP_DAC_READ_SEARCH before Linux 6.10).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int LinkAt(SafeFileHandle oldDirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string oldName, SafeFileHandle newDirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string newName, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int LinkAt(int oldDirFd, string oldName, SafeFileHandle newDirFd, string newName, int flags);
    }
}
