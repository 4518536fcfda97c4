using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>fchownat(2); with an empty name and <c>AT_EMPTY_PATH</c> it changes the file the descriptor refers to.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int fchownat(SafeHandle dirFd, string name, uint uid, uint gid, int flags);
    }
}
