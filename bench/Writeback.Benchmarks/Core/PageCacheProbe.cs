using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// Asks cachestat(2) about a file through an fd of its own, so that the candidate's and the
/// baseline's files are watched by exactly the same code (the S3 "all pages clean" poll loop).
/// </summary>
internal sealed unsafe class PageCacheProbe : IDisposable
{
    private static readonly TimeSpan s_pollDeadline = TimeSpan.FromSeconds(120);
    private readonly SafeFileHandle _handle;

    public PageCacheProbe(string path)
    {
        Path = path;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
    }

    public string Path { get; }

    /// <summary>The page-cache state of [offsetBytes, offsetBytes + lengthBytes).</summary>
    public PageCacheState Query(long offsetBytes, long lengthBytes)
    {
        var range = new Interop.Libc.cachestat_range { off = (ulong)offsetBytes, len = (ulong)lengthBytes };
        Interop.Libc.cachestat stat;
        // Safety: both pointers are to locals that outlive the call; flags must be 0.
        if (Interop.Libc.syscall_cachestat(Interop.Libc.SYS_cachestat, (uint)_handle.DangerousGetHandle(), &range, &stat, 0) != 0)
        {
            throw new WritebackException("cachestat", Path, offsetBytes, lengthBytes, Marshal.GetLastPInvokeError());
        }
        return new PageCacheState((long)stat.nr_cache, (long)stat.nr_dirty, (long)stat.nr_writeback,
                                  (long)stat.nr_evicted, (long)stat.nr_recently_evicted);
    }

    /// <summary>
    /// Polls every 100 us until no page of the range is dirty or under writeback; returns the
    /// Stopwatch timestamp of the first poll that saw it clean. Throws after two minutes.
    /// </summary>
    public long WaitUntilClean(long offsetBytes, long lengthBytes)
    {
        var startTimestamp = Stopwatch.GetTimestamp();
        while (true)
        {
            var state = Query(offsetBytes, lengthBytes);
            var now = Stopwatch.GetTimestamp();
            if (state.DirtyPages == 0 && state.WritebackPages == 0)
            {
                return now;
            }
            if (Stopwatch.GetElapsedTime(startTimestamp, now) > s_pollDeadline)
            {
                throw new TimeoutException($"'{Path}' still has {state.DirtyPages} dirty and {state.WritebackPages} writeback pages after {s_pollDeadline.TotalSeconds} s");
            }
            SleepMicroseconds(100);
        }
    }

    private static void SleepMicroseconds(int durationUs)
    {
        var request = new RawLibc.Timespec { tv_sec = 0, tv_nsec = durationUs * 1000L };
        // Safety: request is a local; a null remain is allowed. An early wake-up (EINTR) only
        // makes the next poll come sooner, so the result is ignored.
        _ = RawLibc.clock_nanosleep(RawLibc.CLOCK_MONOTONIC, 0, &request, null);
    }

    public void Dispose() => _handle.Dispose();
}
