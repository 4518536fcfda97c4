using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int AT_SYMLINK_FOLLOW = 0x400;

        /// <summary>linkat(2). With <c>AT_EMPTY_PATH</c> and an empty <paramref name="oldName"/> it links the file <paramref name="oldDirFd"/> refers to (needs CAP_DAC_READ_SEARCH before Linux 6.10).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int linkat(SafeHandle oldDirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string oldName, SafeHandle newDirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string newName, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int linkat(int oldDirFd, string oldName, SafeHandle newDirFd, string newName, int flags);
    }
}
