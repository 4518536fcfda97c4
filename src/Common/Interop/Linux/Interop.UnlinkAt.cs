using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int AT_REMOVEDIR = 0x200;

        /// <summary>unlinkat(2); <c>AT_REMOVEDIR</c> in <paramref name="flags"/> removes a directory.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int unlinkat(SafeHandle dirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string name, int flags);
    }
}
