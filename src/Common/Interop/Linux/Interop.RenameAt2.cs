using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const uint RENAME_NOREPLACE = 1;
        internal const uint RENAME_EXCHANGE = 2;
        internal const uint RENAME_WHITEOUT = 4;

        /// <summary>renameat2(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int renameat2(SafeHandle oldDirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string oldName, SafeHandle newDirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string newName, uint flags);
    }
}
