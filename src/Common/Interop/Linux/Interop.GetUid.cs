using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>geteuid(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "geteuid")]
        internal static partial uint geteuid();

        /// <summary>getegid(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "getegid")]
        internal static partial uint getegid();
    }
}
