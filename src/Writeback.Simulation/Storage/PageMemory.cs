using System.Runtime.InteropServices;

namespace Writeback.Simulation.Storage;

/// <summary>
/// A file's page cache in the simulator: one block of native memory, zero-filled and committed by
/// the operating system only where it is touched (calloc of a large block maps fresh zero pages), so
/// a 1 GiB reservation of which one page is written costs one page. It never moves, so spans over it
/// stay valid as the file grows within it, as a <see cref="MappedFile"/>'s mapping does.
/// </summary>
/// <remarks>
/// A block rented for a post-crash view (<see cref="Rent"/>) is not zeroed when it is given back:
/// it remembers, page by page, what it holds (the immutable image page it was loaded from, zeros, or
/// unknown bytes once a writable span over it was handed out), and the next view loads a page
/// (<see cref="Load"/>) or zeroes it (<see cref="Zero"/>) only where it holds something else.
/// Consecutive crash states differ in few pages, so most of an image's pages are already in place.
/// </remarks>
internal sealed class PageMemory : IDisposable
{
    private nint _address; // a native block of CapacityBytes bytes; 0 once freed

    /// <summary>Every byte at or beyond this offset is still zero (never written since allocation).</summary>
    private long _dirtyEndBytes;

    /// <summary>
    /// Per page of <see cref="_contentsPageSizeBytes"/> below <see cref="_dirtyEndBytes"/>: the
    /// immutable array whose bytes the page holds, <see cref="s_zeros"/>, or null (unknown). Pages
    /// beyond the array are unknown. Holding the array keeps it alive, so its identity stays unique.
    /// </summary>
    private object?[]? _contents;
    private int _contentsPageSizeBytes;

    public PageMemory(long capacityBytes)
    {
        CapacityBytes = capacityBytes;
        // Safety: AllocZeroed returns a block of capacityBytes zero bytes (or throws); it is freed once, in Dispose or the finalizer.
        unsafe
        {
            _address = (nint)NativeMemory.AllocZeroed((nuint)Math.Max(capacityBytes, 1));
        }
    }

    ~PageMemory() => Free();

    public long CapacityBytes { get; }

    /// <summary>
    /// The bytes [offset, offset + length) for writing, which must lie within the capacity; what
    /// those pages hold is unknown from now on.
    /// </summary>
    public Span<byte> Span(long offsetBytes, int lengthBytes)
    {
        Span<byte> span = RawSpan(offsetBytes, lengthBytes);
        if (lengthBytes > 0)
        {
            Forget(offsetBytes, offsetBytes + lengthBytes);
        }
        return span;
    }

    /// <summary>The bytes [offset, offset + length) for reading, which must lie within the capacity.</summary>
    public ReadOnlySpan<byte> ReadOnlySpan(long offsetBytes, int lengthBytes) => RawSpan(offsetBytes, lengthBytes);

    /// <summary>Makes page <paramref name="pageIndex"/> hold <paramref name="source"/>'s bytes (an immutable page); copies only if it holds anything else.</summary>
    public void Load(long pageIndex, int pageSizeBytes, byte[] source)
    {
        long offsetBytes = pageIndex * pageSizeBytes;
        if (offsetBytes < _dirtyEndBytes && ReferenceEquals(ContentsOf(pageIndex, pageSizeBytes), source))
        {
            return;
        }
        source.AsSpan(0, pageSizeBytes).CopyTo(RawSpan(offsetBytes, pageSizeBytes));
        _dirtyEndBytes = Math.Max(_dirtyEndBytes, offsetBytes + pageSizeBytes);
        Remember(pageIndex, pageSizeBytes, source);
    }

    /// <summary>Makes page <paramref name="pageIndex"/> hold zeros; clears it only if it may hold anything else.</summary>
    public void Zero(long pageIndex, int pageSizeBytes)
    {
        long offsetBytes = pageIndex * pageSizeBytes;
        if (offsetBytes >= _dirtyEndBytes || ReferenceEquals(ContentsOf(pageIndex, pageSizeBytes), s_zeros))
        {
            return;
        }
        RawSpan(offsetBytes, pageSizeBytes).Clear();
        Remember(pageIndex, pageSizeBytes, s_zeros);
    }

    /// <summary>Zeroes [offset, offset + length) in chunks (a span is at most 2 GiB long).</summary>
    public void Clear(long offsetBytes, long lengthBytes)
    {
        while (lengthBytes > 0)
        {
            int chunkBytes = (int)Math.Min(lengthBytes, 1 << 30);
            Span(offsetBytes, chunkBytes).Clear();
            offsetBytes += chunkBytes;
            lengthBytes -= chunkBytes;
        }
    }

    /// <summary>Copies [0, lengthBytes) into <paramref name="target"/>.</summary>
    public void CopyTo(PageMemory target, long lengthBytes)
    {
        for (long offsetBytes = 0L; offsetBytes < lengthBytes; offsetBytes += 1 << 30)
        {
            int chunkBytes = (int)Math.Min(lengthBytes - offsetBytes, 1 << 30);
            ReadOnlySpan(offsetBytes, chunkBytes).CopyTo(target.Span(offsetBytes, chunkBytes));
        }
    }

    private Span<byte> RawSpan(long offsetBytes, int lengthBytes)
    {
        ObjectDisposedException.ThrowIf(_address == 0, this);
        if ((ulong)offsetBytes + (ulong)lengthBytes > (ulong)CapacityBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(lengthBytes), lengthBytes, "The range lies beyond the simulated page cache.");
        }
        // Safety: the range was checked against the block's size just above, and the block is alive.
        unsafe
        {
            return new Span<byte>((byte*)_address + offsetBytes, lengthBytes);
        }
    }

    private object? ContentsOf(long pageIndex, int pageSizeBytes) =>
        _contents is { } contents && pageSizeBytes == _contentsPageSizeBytes && pageIndex < contents.Length ? contents[pageIndex] : null;

    private void Remember(long pageIndex, int pageSizeBytes, object contents)
    {
        if (pageSizeBytes != _contentsPageSizeBytes)
        {
            // Another page size: what is known of the old pages no longer maps onto these.
            _contents = null;
            _contentsPageSizeBytes = pageSizeBytes;
        }
        long maxPages = MaxPooledTouchedBytes / pageSizeBytes;
        if (pageIndex >= maxPages)
        {
            return; // a block written this far is freed when given back: nothing to remember
        }
        if (_contents is null || pageIndex >= _contents.Length)
        {
            object?[] grown = new object?[Math.Min(maxPages, Math.Max(64, (pageIndex + 1) * 2))];
            _contents?.CopyTo(grown, 0);
            _contents = grown;
        }
        _contents[pageIndex] = contents;
    }

    /// <summary>Notes that [start, end) may now hold anything.</summary>
    private void Forget(long startBytes, long endBytes)
    {
        _dirtyEndBytes = Math.Max(_dirtyEndBytes, endBytes);
        if (_contents is not { } contents)
        {
            return;
        }
        long firstPage = startBytes / _contentsPageSizeBytes;
        long endPage = Math.Min(contents.Length, Pages.CountOf(endBytes, _contentsPageSizeBytes));
        for (long pageIndex = firstPage; pageIndex < endPage; pageIndex++)
        {
            contents[pageIndex] = null;
        }
    }

    /// <summary>What a zeroed page holds.</summary>
    private static readonly object s_zeros = new();

    /// <summary>
    /// A block of at least <paramref name="capacityBytes"/> for a post-crash view, whose bytes are
    /// unspecified: the view loads or zeroes each page before it exposes it. Reused from a small pool
    /// when one is free (a view is checked and dropped thousands of times per second, and a fresh
    /// 1 GiB reservation costs an mmap and an munmap each time), preferring the block this thread gave
    /// back last (it holds the previous state's pages, most of which the next state shares); else allocated.
    /// </summary>
    public static PageMemory Rent(long capacityBytes)
    {
        int home = t_homeSlot ??= Environment.CurrentManagedThreadId % s_pool.Length;
        for (int attempt = 0; attempt < s_pool.Length; attempt++)
        {
            int slot = (home + attempt) % s_pool.Length;
            if (Volatile.Read(ref s_pool[slot]) is { } block && block.CapacityBytes >= capacityBytes
                && ReferenceEquals(Interlocked.CompareExchange(ref s_pool[slot], null, block), block))
            {
                t_homeSlot = slot;
                return block;
            }
        }
        return new PageMemory(capacityBytes);
    }

    /// <summary>Gives a rented block back as it is (no zeroing); a block written over more than 16 MiB is freed instead.</summary>
    public static void Return(PageMemory block)
    {
        if (block._dirtyEndBytes > MaxPooledTouchedBytes)
        {
            block.Dispose();
            return;
        }
        int home = t_homeSlot ??= Environment.CurrentManagedThreadId % s_pool.Length;
        for (int attempt = 0; attempt < s_pool.Length; attempt++)
        {
            int slot = (home + attempt) % s_pool.Length;
            if (Interlocked.CompareExchange(ref s_pool[slot], block, null) is null)
            {
                t_homeSlot = slot;
                return;
            }
        }
        block.Dispose();
    }

    private const long MaxPooledTouchedBytes = 16L << 20;
    private static readonly PageMemory?[] s_pool = new PageMemory?[2 * Environment.ProcessorCount];

    /// <summary>The pool slot this thread last took a block from or gave one back to.</summary>
    [ThreadStatic]
    private static int? t_homeSlot;

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_address != 0)
        {
            // Safety: the block AllocZeroed returned, freed once (the field is cleared at once).
            unsafe
            {
                NativeMemory.Free((void*)_address);
            }
            _address = 0;
        }
    }
}
