using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>posix_spawn_file_actions_addopen(3); returns an error number.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn_file_actions_addopen")]
        internal static unsafe partial int posix_spawn_file_actions_addopen(void* file_actions, int fildes, byte* path, int oflag, uint mode);
    }
}
