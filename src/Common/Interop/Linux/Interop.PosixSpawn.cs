using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// The size glibc gives posix_spawn_file_actions_t on x86_64 (80 bytes), rounded up for safety.
        /// A property, not a const: it is not a C constant, so the ABI tests that check every
        /// Interop.Libc const against the headers leave it out (Writeback.Tracing.Tests' AbiTests
        /// checks it is at least sizeof(posix_spawn_file_actions_t)).
        /// </summary>
        internal static int PosixSpawnFileActionsSize => 128;

        /// <summary>
        /// posix_spawn(3). It returns the error number rather than setting errno, and its man page
        /// does not list EINTR: not restarted (<see cref="Eintr"/>).
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn", SetLastError = true)]
        internal static unsafe partial int posix_spawn(int* pid, byte* path, void* file_actions, void* attrp, byte** argv, byte** envp);
    }
}
