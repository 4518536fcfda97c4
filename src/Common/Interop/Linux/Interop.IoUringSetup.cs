using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class IoUring
    {
        /// <summary>
        /// io_uring_setup(2) through syscall(2) (glibc has no wrapper): returns the ring's descriptor
        /// or -1 with errno (ENOSYS before 5.1, EPERM when <c>kernel.io_uring_disabled</c> or a seccomp
        /// profile forbids it, ENOMEM). syscall is variadic; on the LP64 Linux ABIs integer and pointer
        /// variadic arguments are passed like fixed ones.
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static unsafe partial int io_uring_setup(long number, uint entries, io_uring_params* p);
    }
}
