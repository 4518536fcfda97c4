using System.Runtime.InteropServices;

namespace Writeback.Simulation.Storage;

/// <summary>
/// A file's page cache in the simulator: one block of native memory, zero-filled and committed by
/// the operating system only where it is touched (calloc of a large block maps fresh zero pages), so
/// a 1 GiB reservation of which one page is written costs one page. It never moves, so spans over it
/// stay valid as the file grows within it, as a <see cref="MappedFile"/>'s mapping does.
/// </summary>
internal sealed class PageMemory : IDisposable
{
    private nint _address; // a native block of CapacityBytes bytes; 0 once freed

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

    /// <summary>The bytes [offset, offset + length), which must lie within the capacity.</summary>
    public Span<byte> Span(long offsetBytes, int lengthBytes)
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
            Span(offsetBytes, chunkBytes).CopyTo(target.Span(offsetBytes, chunkBytes));
        }
    }

    /// <summary>
    /// A block of at least <paramref name="capacityBytes"/> for a post-crash view: reused from a small
    /// pool when one is free (a view is checked and dropped thousands of times per second, and a fresh
    /// 1 GiB reservation costs an mmap and an munmap each time), else allocated.
    /// </summary>
    public static PageMemory Rent(long capacityBytes)
    {
        lock (s_pool)
        {
            int index = s_pool.FindIndex(block => block.CapacityBytes >= capacityBytes);
            if (index >= 0)
            {
                PageMemory block = s_pool[index];
                s_pool.RemoveAt(index);
                return block;
            }
        }
        return new PageMemory(capacityBytes);
    }

    /// <summary>Gives a rented block back, zeroing the <paramref name="touchedBytes"/> it may hold; a block touched over more than 16 MiB is freed instead.</summary>
    public static void Return(PageMemory block, long touchedBytes)
    {
        if (touchedBytes > MaxPooledTouchedBytes)
        {
            block.Dispose();
            return;
        }
        block.Clear(0, Math.Min(touchedBytes, block.CapacityBytes));
        lock (s_pool)
        {
            if (s_pool.Count < MaxPooledBlocks)
            {
                s_pool.Add(block);
                return;
            }
        }
        block.Dispose();
    }

    private const long MaxPooledTouchedBytes = 16L << 20;
    private static readonly int MaxPooledBlocks = 2 * Environment.ProcessorCount;
    private static readonly List<PageMemory> s_pool = [];

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
