using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>unlinkat(2); <c>AT_REMOVEDIR</c> in <paramref name="flags"/> removes a directory.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int UnlinkAt(SafeFileHandle dirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string name, int flags);
    }
}
