using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs.Volatile;

/// <summary>
/// The volatile state of one regular file: the writes the kernel sent since the last FSYNC, held
/// as whole 4 KiB pages (filled from the backing file on first touch, as a page cache would), each
/// with the byte range the writes actually covered, plus the file's volatile length. Reads merge
/// the pages over the backing file. <see cref="Persist"/> makes all of it durable.
/// Not thread-safe: the owning <see cref="Node"/>'s lock guards it.
/// </summary>
internal sealed class FileOverlay
{
    /// <summary>Granularity of held data.</summary>
    public const int PageSizeBytes = 4096;

    private readonly SortedDictionary<long, Page> _pages = new();

    /// <summary>Creates the overlay of a backing file whose durable length is <paramref name="durableLengthBytes"/>.</summary>
    public FileOverlay(long durableLengthBytes)
    {
        DurableLengthBytes = durableLengthBytes;
        VolatileLengthBytes = durableLengthBytes;
        ZeroFromBytes = durableLengthBytes;
    }

    /// <summary>The backing file's length: what survives a crash.</summary>
    public long DurableLengthBytes { get; private set; }

    /// <summary>The length programs see.</summary>
    public long VolatileLengthBytes { get; private set; }

    /// <summary>
    /// The smallest length the file had since the last persist: backing bytes at or beyond it were
    /// truncated away, so where no page is held they read as zero.
    /// </summary>
    public long ZeroFromBytes { get; private set; }

    /// <summary>Bytes the kernel wrote that are not yet durable (the union of write ranges per page).</summary>
    public long UnsyncedBytes { get; private set; }

    /// <summary>Number of pages held in memory.</summary>
    public int HeldPageCount => _pages.Count;

    /// <summary>Whether anything (data or length) differs from the backing file.</summary>
    public bool IsDirty => _pages.Count > 0 || VolatileLengthBytes != DurableLengthBytes || ZeroFromBytes != DurableLengthBytes;

    /// <summary>The byte ranges written since the last persist, merged and sorted.</summary>
    public List<(long OffsetBytes, long LengthBytes)> DirtyRanges()
    {
        var ranges = new List<(long, long)>();
        foreach (var (pageIndex, page) in _pages)
        {
            long start = pageIndex * PageSizeBytes + page.DirtyStart;
            long end = pageIndex * PageSizeBytes + page.DirtyEnd;
            if (ranges.Count > 0 && ranges[^1].Item1 + ranges[^1].Item2 == start)
            {
                ranges[^1] = (ranges[^1].Item1, end - ranges[^1].Item1);
            }
            else
            {
                ranges.Add((start, end - start));
            }
        }
        return ranges;
    }

    /// <summary>Reads at most <c>destination.Length</c> bytes at <paramref name="offsetBytes"/>. Returns bytes read or -errno.</summary>
    public long Read(SafeFileHandle fd, Span<byte> destination, long offsetBytes)
    {
        if (offsetBytes >= VolatileLengthBytes)
        {
            return 0;
        }
        int totalBytes = (int)Math.Min(destination.Length, VolatileLengthBytes - offsetBytes);
        int doneBytes = 0;
        while (doneBytes < totalBytes)
        {
            long position = offsetBytes + doneBytes;
            long pageIndex = position / PageSizeBytes;
            int inPage = (int)(position % PageSizeBytes);
            if (_pages.TryGetValue(pageIndex, out var page))
            {
                int chunk = Math.Min(PageSizeBytes - inPage, totalBytes - doneBytes);
                page.Data.AsSpan(inPage, chunk).CopyTo(destination[doneBytes..]);
                doneBytes += chunk;
                continue;
            }
            // A run of pages not held: one read from the backing file.
            int runBytes = PageSizeBytes - inPage;
            while (doneBytes + runBytes < totalBytes && !_pages.ContainsKey(pageIndex + 1))
            {
                pageIndex++;
                runBytes += PageSizeBytes;
            }
            runBytes = Math.Min(runBytes, totalBytes - doneBytes);
            long result = ReadBacking(fd, destination.Slice(doneBytes, runBytes), position);
            if (result < 0)
            {
                return result;
            }
            doneBytes += runBytes;
        }
        return totalBytes;
    }

    /// <summary>Holds a write. Returns 0 or errno (from filling a partly written page).</summary>
    public int Write(SafeFileHandle fd, ReadOnlySpan<byte> source, long offsetBytes)
    {
        int doneBytes = 0;
        while (doneBytes < source.Length)
        {
            long position = offsetBytes + doneBytes;
            long pageIndex = position / PageSizeBytes;
            int inPage = (int)(position % PageSizeBytes);
            int chunk = Math.Min(PageSizeBytes - inPage, source.Length - doneBytes);
            if (!_pages.TryGetValue(pageIndex, out var page))
            {
                page = new Page(new byte[PageSizeBytes], inPage, inPage);
                if (chunk < PageSizeBytes)
                {
                    long result = ReadBacking(fd, page.Data, pageIndex * PageSizeBytes);
                    if (result < 0)
                    {
                        return (int)-result;
                    }
                }
                _pages.Add(pageIndex, page);
            }
            source.Slice(doneBytes, chunk).CopyTo(page.Data.AsSpan(inPage));
            int before = page.DirtyEnd - page.DirtyStart;
            page.DirtyStart = Math.Min(page.DirtyStart, inPage);
            page.DirtyEnd = Math.Max(page.DirtyEnd, inPage + chunk);
            UnsyncedBytes += page.DirtyEnd - page.DirtyStart - before;
            doneBytes += chunk;
        }
        VolatileLengthBytes = Math.Max(VolatileLengthBytes, offsetBytes + source.Length);
        return 0;
    }

    /// <summary>Sets the volatile length; shrinking drops held pages past it and zeroes the tail of the last.</summary>
    public void SetLength(long lengthBytes)
    {
        ZeroFromBytes = Math.Min(ZeroFromBytes, Math.Min(lengthBytes, VolatileLengthBytes));
        if (lengthBytes < VolatileLengthBytes)
        {
            long firstDropped = Pages.CountOf(lengthBytes, PageSizeBytes);
            foreach (long pageIndex in _pages.Keys.Where(index => index >= firstDropped).ToList())
            {
                var page = _pages[pageIndex];
                UnsyncedBytes -= page.DirtyEnd - page.DirtyStart;
                _pages.Remove(pageIndex);
            }
            int tail = (int)(lengthBytes % PageSizeBytes);
            if (tail != 0 && _pages.TryGetValue(lengthBytes / PageSizeBytes, out var last))
            {
                last.Data.AsSpan(tail).Clear();
                int before = last.DirtyEnd - last.DirtyStart;
                last.DirtyEnd = Math.Max(Math.Min(last.DirtyEnd, tail), last.DirtyStart);
                UnsyncedBytes -= before - (last.DirtyEnd - last.DirtyStart);
            }
        }
        VolatileLengthBytes = lengthBytes;
    }

    /// <summary>
    /// Makes the held data and the volatile length durable in the backing file: truncation first,
    /// then the pages, then the final length, then fsync (or fdatasync). Returns 0 or errno; on
    /// failure the overlay is kept, so nothing is reported durable that is not.
    /// </summary>
    public int Persist(SafeFileHandle fd, bool dataOnly, byte[] scratch)
    {
        if (ZeroFromBytes < DurableLengthBytes)
        {
            int truncated = (Interop.Libc.FTruncate(fd, ZeroFromBytes));
            if (truncated != 0)
            {
                return truncated;
            }
        }
        int errno = WritePages(fd, scratch, static (_, _) => true);
        if (errno != 0)
        {
            return errno;
        }
        errno = (Interop.Libc.FTruncate(fd, VolatileLengthBytes));
        if (errno != 0)
        {
            return errno;
        }
        errno = dataOnly ? Interop.Libc.FDataSync(fd) : Interop.Libc.FSync(fd);
        if (errno != 0)
        {
            return errno;
        }
        Clear();
        DurableLengthBytes = VolatileLengthBytes;
        ZeroFromBytes = VolatileLengthBytes;
        return 0;
    }

    /// <summary>
    /// Writes a chosen subset of the written bytes to the backing file, as a power cut might leave
    /// them: the written ranges are cut into <paramref name="atomicWriteBytes"/> units aligned to
    /// file offsets, and each unit is kept when <paramref name="keep"/> says so. Only bytes within
    /// the durable length are written (a length change is metadata that the cut loses). Returns the
    /// bytes kept.
    /// </summary>
    public long PersistSubset(SafeFileHandle fd, int atomicWriteBytes, Func<long, bool> keep)
    {
        long keptBytes = 0;
        long limitBytes = Math.Min(DurableLengthBytes, ZeroFromBytes);
        foreach (var (offsetBytes, lengthBytes) in DirtyRanges())
        {
            long end = Math.Min(offsetBytes + lengthBytes, limitBytes);
            long position = offsetBytes;
            while (position < end)
            {
                long unitIndex = position / atomicWriteBytes;
                long unitEnd = Math.Min((unitIndex + 1) * atomicWriteBytes, end);
                if (keep(unitIndex))
                {
                    var bytes = new byte[unitEnd - position];
                    Read(fd, bytes, position);
                    if (BackingIo.WriteAt(fd, bytes, position) == 0)
                    {
                        keptBytes += bytes.Length;
                    }
                }
                position = unitEnd;
            }
        }
        return keptBytes;
    }

    /// <summary>Drops all held data (a crash, or after a successful persist).</summary>
    public void Clear()
    {
        _pages.Clear();
        UnsyncedBytes = 0;
    }

    private int WritePages(SafeFileHandle fd, byte[] scratch, Func<long, Page, bool> include)
    {
        // Contiguous pages go out in one pwrite of up to scratch.Length bytes.
        long runStart = -1;
        int runBytes = 0;
        foreach (var (pageIndex, page) in _pages)
        {
            if (!include(pageIndex, page))
            {
                continue;
            }
            long pageOffset = pageIndex * PageSizeBytes;
            int validBytes = (int)Math.Min(PageSizeBytes, VolatileLengthBytes - pageOffset);
            if (validBytes <= 0)
            {
                continue;
            }
            if (runBytes > 0 && (runStart + runBytes != pageOffset || runBytes + PageSizeBytes > scratch.Length))
            {
                int errno = BackingIo.WriteAt(fd, scratch.AsSpan(0, runBytes), runStart);
                if (errno != 0)
                {
                    return errno;
                }
                runBytes = 0;
            }
            if (runBytes == 0)
            {
                runStart = pageOffset;
            }
            page.Data.AsSpan(0, validBytes).CopyTo(scratch.AsSpan(runBytes));
            runBytes += validBytes;
        }
        return runBytes > 0 ? BackingIo.WriteAt(fd, scratch.AsSpan(0, runBytes), runStart) : 0;
    }

    private long ReadBacking(SafeFileHandle fd, Span<byte> destination, long offsetBytes)
    {
        // Backing bytes at or past ZeroFromBytes were truncated away in the volatile view.
        long backingBytes = Math.Clamp(ZeroFromBytes - offsetBytes, 0, destination.Length);
        long readBytes = 0;
        if (backingBytes > 0)
        {
            readBytes = BackingIo.ReadAt(fd, destination[..(int)backingBytes], offsetBytes);
            if (readBytes < 0)
            {
                return readBytes;
            }
        }
        destination[(int)readBytes..].Clear();
        return destination.Length;
    }

    private sealed class Page(byte[] data, int dirtyStart, int dirtyEnd)
    {
        public byte[] Data { get; } = data;
        public int DirtyStart { get; set; } = dirtyStart;
        public int DirtyEnd { get; set; } = dirtyEnd;
    }
}
