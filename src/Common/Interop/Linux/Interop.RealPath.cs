using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// realpath(3) into a caller buffer of PATH_MAX bytes. Its man page does not list EINTR: not
        /// restarted (<see cref="Eintr"/>).
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "realpath", SetLastError = true)]
        internal static unsafe partial byte* realpath(byte* path, byte* resolved_path);
    }
}
