using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class IoUring
    {
        /// <summary>io_uring_enter(2) through syscall(2), without a signal mask.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static unsafe partial int io_uring_enter(long number, SafeFileDescriptorHandle fd, uint to_submit, uint min_complete,
                                                          uint flags, void* sig, nuint sigsz);

        /// <summary>
        /// Submits <paramref name="toSubmit"/> queued entries and, with IORING_ENTER_GETEVENTS, waits
        /// for <paramref name="minComplete"/> completions; restarted on EINTR (<see cref="Eintr"/>,
        /// io_uring_enter(2) lists it). Returns the number submitted, or the negated errno.
        /// </summary>
        internal static int Enter(SafeFileDescriptorHandle ring, uint toSubmit, uint minComplete, uint flags)
        {
            while (true)
            {
                int result;
                // Safety: no signal mask is passed (NULL, size 0).
                unsafe
                {
                    result = io_uring_enter(SYS_io_uring_enter, ring, toSubmit, minComplete, flags, null, 0);
                }
                var errno = Eintr.Errno(result, out var retry);
                if (!retry)
                {
                    return errno == 0 ? result : -errno;
                }
            }
        }
    }
}
