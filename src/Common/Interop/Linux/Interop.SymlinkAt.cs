using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>symlinkat(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int symlinkat(byte[] target, SafeHandle newDirFd, string linkName);
    }
}
