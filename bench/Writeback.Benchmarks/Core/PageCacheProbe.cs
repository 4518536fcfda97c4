using System.Diagnostics;
using System.Runtime.InteropServices;
using Writeback.Native;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// Asks cachestat(2) about a file through an fd of its own, so that the candidate's and the
/// baseline's files are watched by exactly the same code (the S3 "all pages clean" poll loop).
/// </summary>
internal sealed class PageCacheProbe : IDisposable
{
    private static readonly TimeSpan s_pollDeadline = TimeSpan.FromSeconds(120);
    private readonly SafeFileDescriptorHandle _handle;

    public PageCacheProbe(string path)
    {
        Path = path;
        int errno = Interop.Libc.Open(path, Interop.Libc.O_RDONLY, 0, out _handle);
        if (errno != 0)
        {
            throw new WritebackException("open", path, null, null, errno);
        }
    }

    public string Path { get; }

    /// <summary>The page-cache state of [offsetBytes, offsetBytes + lengthBytes).</summary>
    public PageCacheState Query(long offsetBytes, long lengthBytes)
    {
        var range = new Interop.Libc.cachestat_range { off = (ulong)offsetBytes, len = (ulong)lengthBytes };
        Interop.Libc.cachestat stat;
        long result;
        // Safety: both pointers are to locals that outlive the call; flags must be 0.
        unsafe
        {
            result = Interop.Libc.syscall_cachestat(Interop.Libc.SYS_cachestat, _handle, &range, &stat, 0);
        }
        if (result != 0)
        {
            throw new WritebackException("cachestat", Path, offsetBytes, lengthBytes, Interop.LastErrno);
        }
        return new PageCacheState((long)stat.nr_cache, (long)stat.nr_dirty, (long)stat.nr_writeback,
                                  (long)stat.nr_evicted, (long)stat.nr_recently_evicted);
    }

    /// <summary>
    /// Polls until no page of the range is dirty or under writeback, sleeping
    /// <paramref name="pollIntervalUs"/> between polls; returns the Stopwatch timestamp of the
    /// first poll of the whole range that saw it clean. Throws after two minutes.
    /// </summary>
    /// <remarks>
    /// One cachestat of 256 MiB walks 65,536 page-cache entries and takes about 2 ms of CPU; polled
    /// back to back it takes a core from the thread submitting the writeback (on this 2-core
    /// machine that made a writer on another thread look 2-3x slower than the same call made
    /// before polling starts). So the loop first polls only the range's last MiB, which writeback
    /// (in file order) reaches last, and only then the whole range, until that is clean too: the
    /// returned time is always that of a whole-range check, only the cheap polls come before it.
    /// </remarks>
    public long WaitUntilClean(long offsetBytes, long lengthBytes, int pollIntervalUs)
    {
        const long TailBytes = 1 << 20;
        long startTimestamp = Stopwatch.GetTimestamp();
        long tailBytes = Math.Min(TailBytes, lengthBytes);
        PollUntilClean(offsetBytes + lengthBytes - tailBytes, tailBytes, pollIntervalUs, startTimestamp);
        return PollUntilClean(offsetBytes, lengthBytes, pollIntervalUs, startTimestamp);
    }

    private long PollUntilClean(long offsetBytes, long lengthBytes, int pollIntervalUs, long startTimestamp)
    {
        while (true)
        {
            PageCacheState state = Query(offsetBytes, lengthBytes);
            long now = Stopwatch.GetTimestamp();
            if (state.DirtyPages == 0 && state.WritebackPages == 0)
            {
                return now;
            }
            if (Stopwatch.GetElapsedTime(startTimestamp, now) > s_pollDeadline)
            {
                throw new TimeoutException($"'{Path}' still has {state.DirtyPages} dirty and {state.WritebackPages} writeback pages in [{offsetBytes}, {offsetBytes + lengthBytes}) after {s_pollDeadline.TotalSeconds} s");
            }
            SleepMicroseconds(pollIntervalUs);
        }
    }

    private static void SleepMicroseconds(int durationUs)
    {
        var request = new Interop.Libc.timespec { tv_sec = durationUs / 1_000_000, tv_nsec = durationUs % 1_000_000 * 1000L };
        // Safety: request is a local; a null remain is allowed. An early wake-up (EINTR) only
        // makes the next poll come sooner, so the result is ignored.
        unsafe
        {
            _ = Interop.Libc.clock_nanosleep(Interop.Libc.CLOCK_MONOTONIC, 0, &request, null);
        }
    }

    public void Dispose() => _handle.Dispose();
}
