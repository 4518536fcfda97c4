using System.Runtime.InteropServices;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// The one libc call the harness needs that the library's own interop (<c>Interop.Libc</c>, which
/// the baselines call directly for msync, mmap, sync_file_range and cachestat) does not declare.
/// </summary>
internal static unsafe partial class RawLibc
{
    internal const int CLOCK_MONOTONIC = 1;

    /// <summary><c>struct timespec</c> (LP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        internal long tv_sec;
        internal long tv_nsec;
    }

    /// <summary>clock_nanosleep(2): the poll loops sleep 100 us, finer than Thread.Sleep's milliseconds.</summary>
    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    internal static partial int clock_nanosleep(int clockId, int flags, Timespec* request, Timespec* remain);
}
