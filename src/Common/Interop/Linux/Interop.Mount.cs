using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const ulong MS_NOSUID = 2;
        internal const ulong MS_NODEV = 4;

        /// <summary>mount(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int mount(string source, string target, string fileSystemType, ulong flags, string? data);
    }
}
