using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>readlinkat(2); with an empty name it reads the symbolic link an O_PATH descriptor refers to.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial nint readlinkat(SafeHandle dirFd, string name, byte* buffer, nuint size);
    }
}
