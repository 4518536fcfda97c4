using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>__NR_cachestat: 451 on x86_64, arm64, arm and powerpc (Linux 6.5, cf264e1329fb).</summary>
        internal const long SYS_cachestat = 451;

        /// <summary><c>struct cachestat_range</c> from &lt;linux/mman.h&gt;.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct cachestat_range
        {
            internal ulong off;
            internal ulong len;
        }

#pragma warning disable CS8981 // Spelled exactly as the kernel's struct, so the ABI test can name it.
        /// <summary><c>struct cachestat</c> from &lt;linux/mman.h&gt;. Counts are in pages.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct cachestat
        {
            internal ulong nr_cache;
            internal ulong nr_dirty;
            internal ulong nr_writeback;
            internal ulong nr_evicted;
            internal ulong nr_recently_evicted;
        }
#pragma warning restore CS8981

        /// <summary>
        /// cachestat(2) through syscall(2): glibc has no wrapper. syscall is variadic; on the LP64
        /// Linux ABIs (x86_64, arm64) integer and pointer variadic arguments are passed like fixed ones.
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static unsafe partial long syscall_cachestat(long number, SafeFileDescriptorHandle fd, cachestat_range* cstat_range, cachestat* cstat, uint flags);
    }
}
