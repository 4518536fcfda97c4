using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>renameat2(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int RenameAt2(SafeFileHandle oldDirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string oldName, SafeFileHandle newDirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string newName, uint flags);
    }
}
