using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>mkdirat(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int mkdirat(SafeHandle dirFd, string name, uint mode);

        /// <summary>mkdirat(2) relative to a raw descriptor (AT_FDCWD).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int mkdirat(int dirFd, string name, uint mode);
    }
}
