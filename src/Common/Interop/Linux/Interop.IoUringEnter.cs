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
        /// io_uring_enter(2) lists it). Returns 0 and the number submitted, or the errno.
        /// </summary>
        internal static int Enter(SafeFileDescriptorHandle ring, uint toSubmit, uint minComplete, uint flags, out int submitted)
        {
            long result = Eintr.RestartResult((ring, toSubmit, minComplete, flags), static s =>
            {
                // Safety: no signal mask is passed (NULL, size 0).
                unsafe
                {
                    return io_uring_enter(SYS_io_uring_enter, s.ring, s.toSubmit, s.minComplete, s.flags, null, 0);
                }
            });
            submitted = (int)Math.Max(result, 0);
            return result < 0 ? LastErrno : 0;
        }
    }
}
