using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    /// <summary>
    /// The one EINTR policy of every assembly that calls libc. A call interrupted by a signal
    /// handler fails with EINTR; its wrapper here restarts it, in a loop, for exactly the calls
    /// whose Linux man page lists EINTR: open(2) and openat(2), ftruncate(2), fsync(2),
    /// fdatasync(2), sync_file_range(2) (only its SYNC_FILE_RANGE_WAIT_* flags can wait), write(2),
    /// read(2), pread(2) and pwrite(2) (LossyFs's BackingIo restarts these in the loop that also
    /// resumes short transfers), fstatvfs(3), recvmsg(2), io_uring_enter(2), fallocate(2), waitpid(2) (restarted by
    /// its one caller, Writeback.Tracing's Tracer.Loop, which must also see ECHILD), fallocate(2). Never close(2): "the
    /// file descriptor is released anyway; retrying the close() after a failure return is the wrong
    /// thing to do" (close(2), NOTES). Never the calls whose man page does not list it (msync(2),
    /// mmap(2), madvise(2), mlock(2), cachestat(2), statx(2), fchmod(2), fchownat(2), futimens(3),
    /// mkdirat(2), unlinkat(2), renameat2(2), linkat(2), symlinkat(2), readlinkat(2),
    /// getdents64(2), syncfs(2), mount(2), umount2(2), socketpair(2), fcntl(2) F_SETFD, ptrace(2),
    /// kill(2), process_vm_readv(2), sigaction(2), realpath(3), posix_spawn(3)): EINTR
    /// from those is an error like any other.
    /// Every wrapper returns 0 or the positive errno, read once with <see cref="LastErrno"/> right
    /// after the call (never Marshal.GetLastPInvokeError elsewhere, never a negated errno: a kernel
    /// ABI that returns -errno, an io_uring CQE's res, is negated where it is read).
    /// One exception is a protocol, not a policy: a FUSE server's read(2) of /dev/fuse. LossyFs's
    /// FuseSession retries it on EINTR, EAGAIN and ENOENT (the kernel's answer for a request that
    /// was interrupted before it was read) and stops on ENODEV (the file system was unmounted);
    /// its reply write(2) is made once (ENOENT: the request was interrupted meanwhile; ENODEV: the
    /// connection was aborted; anything else is logged). That handling stays in FuseSession.
    /// </summary>
    internal static class Eintr
    {
        /// <summary>
        /// The calls whose man page lists EINTR, as error messages name them: their wrappers restart
        /// them, so an exception built from EINTR for one of them means a wrapper was bypassed
        /// (<c>Writeback.Native.Errors</c> asserts it in debug builds).
        /// </summary>
        internal static bool ListsEintr(string operation)
        {
            ReadOnlySpan<char> name = operation.AsSpan();
            int end = name.IndexOfAny('(', ' ');
            return (end < 0 ? name : name[..end]) is "open" or "openat" or "ftruncate" or "fsync" or "fdatasync"
                or "sync_file_range" or "write" or "read" or "pread" or "pwrite" or "fstatvfs" or "recvmsg"
                or "io_uring_enter" or "fallocate";
        }

        /// <summary>
        /// Returns 0 for a non-negative <paramref name="result"/>, else the errno of the call that just
        /// returned; sets <paramref name="retry"/> when that errno is EINTR.
        /// </summary>
        internal static int Errno(long result, out bool retry)
        {
            if (result >= 0)
            {
                retry = false;
                return 0;
            }
            int errno = LastErrno;
            retry = errno == Writeback.Native.Errno.EINTR;
            return errno;
        }

        /// <summary>
        /// Makes <paramref name="call"/> until it fails with something other than EINTR; returns 0
        /// or the errno. Pass a static lambda, so no closure is allocated.
        /// </summary>
        internal static int Restart<TState>(TState state, Func<TState, long> call)
        {
            while (true)
            {
                int errno = Errno(call(state), out bool retry);
                if (!retry)
                {
                    return errno;
                }
            }
        }

        /// <summary>
        /// Makes <paramref name="call"/> until it does not fail with EINTR; returns its last result
        /// (a descriptor or a count; -1 leaves the errno in <see cref="LastErrno"/>).
        /// </summary>
        internal static long RestartResult<TState>(TState state, Func<TState, long> call)
        {
            while (true)
            {
                long result = call(state);
                if (result >= 0 || LastErrno != Writeback.Native.Errno.EINTR)
                {
                    return result;
                }
            }
        }

        /// <summary>A call with an out parameter, for <see cref="RestartOut"/>.</summary>
        internal delegate long OutCall<TState, TValue>(TState state, out TValue value);

        /// <summary>As <see cref="Restart"/>, for a call that also fills <paramref name="value"/>.</summary>
        internal static int RestartOut<TState, TValue>(TState state, OutCall<TState, TValue> call, out TValue value)
        {
            while (true)
            {
                int errno = Errno(call(state, out value), out bool retry);
                if (!retry)
                {
                    return errno;
                }
            }
        }

        /// <summary>The errno of a call that is never restarted: 0 for a non-negative result.</summary>
        internal static int NoRetry(long result) => result >= 0 ? 0 : LastErrno;
    }
}
