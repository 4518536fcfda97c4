using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// process_vm_readv(2): reads another process's memory. Its man page does not list EINTR:
        /// not restarted (<see cref="Eintr"/>).
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "process_vm_readv", SetLastError = true)]
        internal static unsafe partial nint process_vm_readv(int pid, IoVec* local_iov, nuint liovcnt, IoVec* remote_iov, nuint riovcnt, nuint flags);
    }
}
