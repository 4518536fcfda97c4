using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>statx(2); the one stat call used, because struct statx has the same layout on every architecture.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Statx(SafeFileHandle dirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string path, int flags, uint mask, out StatxBuffer buffer);

        [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Statx(int dirFd, string path, int flags, uint mask, out StatxBuffer buffer);
    }
}
