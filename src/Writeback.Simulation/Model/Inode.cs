using System.Buffers;

namespace Writeback.Simulation.Model;

/// <summary>
/// A file's contents in an in-memory store (an inode: names point at it): its length and its page
/// cache. In a post-crash view it starts as a view of immutable page versions and copies them into
/// <see cref="Memory"/> only when written or read across pages. It records nothing: the history of
/// a recorded run is kept by <see cref="InodeHistory"/>.
/// </summary>
internal sealed class Inode
{
    private readonly int _pageSizeBytes;
    private Func<int, byte[]>? _imagePage;
    private bool _memoryRented;

    /// <summary>An empty file.</summary>
    public Inode(int id, int pageSizeBytes)
    {
        Id = id;
        _pageSizeBytes = pageSizeBytes;
        Memory = [];
    }

    /// <summary>A post-crash image's file: length and a page source; nothing is copied until needed.</summary>
    public Inode(int id, int pageSizeBytes, long lengthBytes, Func<int, byte[]> imagePage)
    {
        Id = id;
        _pageSizeBytes = pageSizeBytes;
        LengthBytes = lengthBytes;
        Memory = null;
        _imagePage = imagePage;
    }

    public int Id { get; }

    public long LengthBytes { get; private set; }

    /// <summary>The page cache: at least <see cref="LengthBytes"/> rounded up to a page; null while an image page source serves reads.</summary>
    public byte[]? Memory { get; private set; }

    /// <summary>The bytes cut by length changes since <see cref="TakeCutRange"/> was last called, or null.</summary>
    private (long FromBytes, long ToBytes)? CutRange { get; set; }

    public long PageCount => (LengthBytes + _pageSizeBytes - 1) / _pageSizeBytes;

    /// <summary>Reads bytes without materialising when the inode is an image view.</summary>
    public void Read(long offsetBytes, Span<byte> destination)
    {
        if (Memory is not null)
        {
            Memory.AsSpan(checked((int)offsetBytes), destination.Length).CopyTo(destination);
            return;
        }
        var done = 0;
        while (done < destination.Length)
        {
            var position = offsetBytes + done;
            var pageIndex = (int)(position / _pageSizeBytes);
            var inPage = (int)(position % _pageSizeBytes);
            var count = Math.Min(_pageSizeBytes - inPage, destination.Length - done);
            _imagePage!(pageIndex).AsSpan(inPage, count).CopyTo(destination[done..]);
            done += count;
        }
    }

    /// <summary>A read-only view; served from the shared page version when it lies within one page.</summary>
    public ReadOnlySpan<byte> ReadOnlyView(long offsetBytes, int lengthBytes)
    {
        if (Memory is null)
        {
            var pageIndex = (int)(offsetBytes / _pageSizeBytes);
            var inPage = (int)(offsetBytes % _pageSizeBytes);
            if (inPage + lengthBytes <= _pageSizeBytes)
            {
                return _imagePage!(pageIndex).AsSpan(inPage, lengthBytes);
            }
            Materialize();
        }
        return Memory.AsSpan(checked((int)offsetBytes), lengthBytes);
    }

    /// <summary>Stores <paramref name="source"/> at <paramref name="offsetBytes"/> (within the length).</summary>
    public void Write(long offsetBytes, ReadOnlySpan<byte> source) => source.CopyTo(Materialize().AsSpan(checked((int)offsetBytes)));

    /// <summary>A writable view of the page cache (within the length).</summary>
    public Span<byte> WritableView(long offsetBytes, int lengthBytes) => Materialize().AsSpan(checked((int)offsetBytes), lengthBytes);

    /// <summary>Changes the length; zeroes what is cut so a later growth reads zeros, as the kernel does.</summary>
    public void ChangeLength(long lengthBytes)
    {
        var memory = Materialize();
        if (lengthBytes < LengthBytes)
        {
            var oldEndBytes = PageCount * _pageSizeBytes;
            memory.AsSpan((int)lengthBytes, (int)(oldEndBytes - lengthBytes)).Clear();
            CutRange = CutRange is var (from, to) ? (Math.Min(from, lengthBytes), Math.Max(to, oldEndBytes)) : (lengthBytes, oldEndBytes);
        }
        else
        {
            EnsureCapacity(lengthBytes);
        }
        LengthBytes = lengthBytes;
    }

    /// <summary>The bytes cut (and zeroed) by length changes since the last call of this method, or null.</summary>
    public (long FromBytes, long ToBytes)? TakeCutRange()
    {
        var cut = CutRange;
        CutRange = null;
        return cut;
    }

    /// <summary>Copies an image view into private memory (rented per worker) so it can be written.</summary>
    public byte[] Materialize()
    {
        if (Memory is not null)
        {
            return Memory;
        }
        var capacity = checked((int)(PageCount * _pageSizeBytes));
        var memory = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, _pageSizeBytes));
        for (var pageIndex = 0; pageIndex < PageCount; pageIndex++)
        {
            _imagePage!(pageIndex).CopyTo(memory, pageIndex * _pageSizeBytes);
        }
        memory.AsSpan(capacity).Clear();
        Memory = memory;
        _memoryRented = true;
        _imagePage = null;
        return memory;
    }

    /// <summary>Makes room for <paramref name="lengthBytes"/> bytes, keeping the contents; bytes beyond the old end are zero.</summary>
    public void EnsureCapacity(long lengthBytes)
    {
        var memory = Materialize();
        var needed = checked((int)((lengthBytes + _pageSizeBytes - 1) / _pageSizeBytes * _pageSizeBytes));
        if (needed <= memory.Length)
        {
            return;
        }
        // Grow by a quarter beyond what is needed, so appends do not copy the file at every page;
        // the first allocation (the length at open) is exact.
        var slackBytes = memory.Length == 0 ? 0 : Math.Max(needed / 4 / _pageSizeBytes * _pageSizeBytes, _pageSizeBytes);
        var grown = new byte[(int)Math.Min((long)needed + slackBytes, Array.MaxLength / _pageSizeBytes * _pageSizeBytes)];
        memory.AsSpan(0, (int)Math.Min(memory.Length, PageCount * _pageSizeBytes)).CopyTo(grown);
        ReturnMemory();
        Memory = grown;
    }

    /// <summary>Gives rented memory back to the pool (image inodes, after the check).</summary>
    public void ReturnMemory()
    {
        if (_memoryRented && Memory is not null)
        {
            ArrayPool<byte>.Shared.Return(Memory);
        }
        _memoryRented = false;
    }
}
