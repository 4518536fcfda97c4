using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>posix_spawn_file_actions_addchdir_np(3) (glibc 2.29); returns an error number.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn_file_actions_addchdir_np")]
        internal static unsafe partial int posix_spawn_file_actions_addchdir_np(void* file_actions, byte* path);
    }
}
