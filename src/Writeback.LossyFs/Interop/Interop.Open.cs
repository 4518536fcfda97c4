using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    internal static partial class Sys
    {
        /// <summary>openat(2): opens <paramref name="path"/> relative to <paramref name="dirFd"/> (or AT_FDCWD).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int OpenAt(int dirFd, string path, int flags, uint mode);

        [LibraryImport(Libraries.Libc, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int OpenAt(SafeFileHandle dirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string path, int flags, uint mode);
    }
}
