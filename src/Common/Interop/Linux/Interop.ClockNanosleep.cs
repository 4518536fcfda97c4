using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int CLOCK_MONOTONIC = 1;

#pragma warning disable CS8981 // Spelled exactly as the C struct.
        /// <summary><c>struct timespec</c> (LP64).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct timespec
        {
            internal long tv_sec;
            internal long tv_nsec;
        }
#pragma warning restore CS8981

        /// <summary>
        /// clock_nanosleep(2): sleeps finer than Thread.Sleep's milliseconds. Returns the error number
        /// (it does not set errno); EINTR means a signal cut the sleep short, which callers that
        /// poll accept (it is not restarted, so a sleep never lasts longer than asked).
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "clock_nanosleep")]
        internal static unsafe partial int clock_nanosleep(int clockid, int flags, timespec* request, timespec* remain);
    }
}
