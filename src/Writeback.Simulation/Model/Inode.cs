using System.Buffers;

namespace Writeback.Simulation.Model;

/// <summary>One version of one page: immutable bytes, shared by every image that shows it.</summary>
/// <param name="Bytes">Exactly one page of bytes; never written after creation.</param>
/// <param name="VisibleFrom">The first crash point whose memory holds this version.</param>
internal sealed record PageVersion(byte[] Bytes, int VisibleFrom);

/// <summary>
/// A file's contents (an inode: names point at it). While recording it holds the page cache
/// (<see cref="Memory"/>) and the history of every page and of the length. In an image it starts as
/// a view of immutable page versions and copies them into <see cref="Memory"/> only when written
/// or read across pages.
/// </summary>
internal sealed class Inode
{
    private readonly int _pageSizeBytes;
    private Func<int, byte[]>? _imagePage;
    private bool _memoryRented;

    public Inode(int id, int pageSizeBytes, int createdAtCrashPoint, bool recording)
    {
        Id = id;
        _pageSizeBytes = pageSizeBytes;
        Memory = [];
        if (recording)
        {
            Versions = [];
            Lengths = [(createdAtCrashPoint, 0)];
            Touched = [];
            Exposed = [];
            CreatedAt = createdAtCrashPoint;
        }
    }

    /// <summary>An image's file: length and a page source; nothing is copied until needed.</summary>
    public Inode(int id, int pageSizeBytes, long lengthBytes, Func<int, byte[]> imagePage)
    {
        Id = id;
        _pageSizeBytes = pageSizeBytes;
        LengthBytes = lengthBytes;
        Memory = null;
        _imagePage = imagePage;
    }

    public int Id { get; }

    public int CreatedAt { get; }

    public long LengthBytes { get; set; }

    /// <summary>The page cache: at least <see cref="LengthBytes"/> rounded up to a page; null while an image page source serves reads.</summary>
    public byte[]? Memory { get; private set; }

    /// <summary>Recording only: the versions of each page, oldest first; version 0 (zeros) is implicit.</summary>
    public List<List<PageVersion>?>? Versions { get; }

    /// <summary>Recording only: the file's length over time.</summary>
    public List<(int VisibleFrom, long LengthBytes)>? Lengths { get; }

    /// <summary>Recording only: pages written through the API since the last call.</summary>
    public HashSet<int>? Touched { get; }

    /// <summary>Recording only: pages handed out as writable spans; compared at every call.</summary>
    public HashSet<int>? Exposed { get; }

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

    /// <summary>Recording only: the last version of <paramref name="pageIndex"/>, or null for zeros.</summary>
    public PageVersion? LastVersion(int pageIndex) =>
        pageIndex < Versions!.Count && Versions[pageIndex] is { Count: > 0 } list ? list[^1] : null;
}
