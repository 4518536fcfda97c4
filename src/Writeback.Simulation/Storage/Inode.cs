namespace Writeback.Simulation.Storage;

/// <summary>
/// A file's contents in an in-memory store (an inode: names point at it): its length and its page
/// cache (<see cref="PageMemory"/>, committed only where touched). In a post-crash view the pages
/// come from the image's immutable versions and are copied into memory one by one, only when
/// written or read through a span that crosses pages; nothing else is ever copied. It records
/// nothing: the history of a recorded run is kept by <see cref="InodeHistory"/>.
/// </summary>
internal sealed class Inode
{
    private readonly int _pageSizeBytes;
    private readonly Func<int, byte[]>? _imagePage;
    private PageMemory? _memory;
    private ulong[]? _copiedPages;
    private readonly long _imagePageCount;
    private long _reservedBytes;
    private long _touchedEndBytes;
    private byte[]? _zeroPage;

    /// <summary>An empty file.</summary>
    public Inode(int id, int pageSizeBytes)
    {
        Id = id;
        _pageSizeBytes = pageSizeBytes;
    }

    /// <summary>A post-crash image's file: length and a page source; nothing is copied until needed.</summary>
    public Inode(int id, int pageSizeBytes, long lengthBytes, Func<int, byte[]> imagePage)
    {
        Id = id;
        _pageSizeBytes = pageSizeBytes;
        LengthBytes = lengthBytes;
        _imagePage = imagePage;
        _imagePageCount = Pages.CountOf(lengthBytes, pageSizeBytes);
    }

    public int Id { get; }

    public long LengthBytes { get; private set; }

    /// <summary>The bytes cut by length changes since <see cref="TakeLengthChanges"/> was last called.</summary>
    private List<(long LengthBytes, long CutEndBytes)> LengthChanges { get; } = [];

    /// <summary>
    /// Makes sure the page cache can hold <paramref name="reservedBytes"/> (a handle's reservation,
    /// as <see cref="MappedFile"/> reserves address space at open). Only a later open reserving more
    /// than the first moves the memory.
    /// </summary>
    public void Reserve(long reservedBytes)
    {
        if (reservedBytes <= _reservedBytes)
        {
            return;
        }
        _reservedBytes = reservedBytes;
        if (_memory is { } old && old.CapacityBytes < reservedBytes)
        {
            _memory = _imagePage is null ? new PageMemory(reservedBytes) : PageMemory.Rent(reservedBytes);
            old.CopyTo(_memory, Math.Min(_touchedEndBytes, old.CapacityBytes));
            if (_imagePage is null)
            {
                old.Dispose();
            }
            else
            {
                PageMemory.Return(old, _touchedEndBytes);
            }
        }
    }

    /// <summary>Reads bytes; from the image's versions where no page was copied.</summary>
    public void Read(long offsetBytes, Span<byte> destination)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var position = offsetBytes + done;
            var pageIndex = position / _pageSizeBytes;
            var inPage = (int)(position % _pageSizeBytes);
            var count = Math.Min(_pageSizeBytes - inPage, destination.Length - done);
            PageSource(pageIndex).Slice(inPage, count).CopyTo(destination[done..]);
            done += count;
        }
    }

    /// <summary>A read-only view; served from the shared page version when it lies within one uncopied page.</summary>
    public ReadOnlySpan<byte> ReadOnlyView(long offsetBytes, int lengthBytes)
    {
        var pageIndex = offsetBytes / _pageSizeBytes;
        var inPage = (int)(offsetBytes % _pageSizeBytes);
        if (inPage + lengthBytes <= _pageSizeBytes && FromImage(pageIndex))
        {
            return _imagePage!((int)pageIndex).AsSpan(inPage, lengthBytes);
        }
        return WritableView(offsetBytes, lengthBytes);
    }

    /// <summary>Stores <paramref name="source"/> at <paramref name="offsetBytes"/> (within the length).</summary>
    public void Write(long offsetBytes, ReadOnlySpan<byte> source) => source.CopyTo(WritableView(offsetBytes, source.Length));

    /// <summary>A writable view of the page cache (within the length); copies the image pages it covers first.</summary>
    public Span<byte> WritableView(long offsetBytes, int lengthBytes)
    {
        var memory = Memory();
        if (lengthBytes > 0)
        {
            CopyImagePages(offsetBytes / _pageSizeBytes, (offsetBytes + lengthBytes - 1) / _pageSizeBytes);
        }
        _touchedEndBytes = Math.Max(_touchedEndBytes, offsetBytes + lengthBytes);
        return memory.Span(offsetBytes, lengthBytes);
    }

    /// <summary>One page as it is now (zeros beyond what was ever touched): for the recorder.</summary>
    public ReadOnlySpan<byte> Page(long pageIndex) => PageSource(pageIndex);

    /// <summary>Changes the length; zeroes what is cut so a later growth reads zeros, as the kernel does.</summary>
    public void ChangeLength(long lengthBytes)
    {
        var cutEndBytes = lengthBytes;
        if (lengthBytes < LengthBytes)
        {
            cutEndBytes = PageCount * _pageSizeBytes;
            var clearEndBytes = Math.Min(cutEndBytes, _touchedEndBytes);
            if (_memory is not null && clearEndBytes > lengthBytes)
            {
                CopyImagePages(lengthBytes / _pageSizeBytes, lengthBytes / _pageSizeBytes);
                _memory.Clear(lengthBytes, clearEndBytes - lengthBytes);
            }
            if (_imagePage is not null)
            {
                // Pages of an image beyond the new end read zeros from now on.
                for (var pageIndex = Pages.CountOf(lengthBytes, _pageSizeBytes); pageIndex < Math.Min(PageCount, _imagePageCount); pageIndex++)
                {
                    MarkCopied(pageIndex);
                }
                if (lengthBytes % _pageSizeBytes != 0)
                {
                    CopyImagePages(lengthBytes / _pageSizeBytes, lengthBytes / _pageSizeBytes);
                    Memory().Span(lengthBytes, (int)(_pageSizeBytes - lengthBytes % _pageSizeBytes)).Clear();
                }
            }
        }
        LengthBytes = lengthBytes;
        LengthChanges.Add((lengthBytes, cutEndBytes));
    }

    /// <summary>The lengths set since the last call of this method, each with the end of what it cut (its own length when it cut nothing).</summary>
    public (long LengthBytes, long CutEndBytes)[] TakeLengthChanges()
    {
        if (LengthChanges.Count == 0)
        {
            return [];
        }
        var changes = LengthChanges.ToArray();
        LengthChanges.Clear();
        return changes;
    }

    /// <summary>Frees the page cache (a post-crash view after its check, a recording once finished).</summary>
    public void Release()
    {
        if (_memory is not null && _imagePage is not null)
        {
            PageMemory.Return(_memory, _touchedEndBytes);
        }
        else
        {
            _memory?.Dispose();
        }
        _memory = null;
    }

    private long PageCount => Pages.CountOf(LengthBytes, _pageSizeBytes);

    private PageMemory Memory()
    {
        if (_memory is null)
        {
            var capacityBytes = Math.Max(_reservedBytes, Pages.RoundUp(LengthBytes, _pageSizeBytes));
            _memory = _imagePage is null ? new PageMemory(capacityBytes) : PageMemory.Rent(capacityBytes);
        }
        return _memory;
    }

    private ReadOnlySpan<byte> PageSource(long pageIndex)
    {
        if (FromImage(pageIndex))
        {
            return _imagePage!((int)pageIndex);
        }
        var startBytes = pageIndex * _pageSizeBytes;
        if (_memory is null || startBytes >= _memory.CapacityBytes)
        {
            return ZeroPage();
        }
        return _memory.Span(startBytes, _pageSizeBytes);
    }

    private void CopyImagePages(long firstPage, long lastPage)
    {
        if (_imagePage is null)
        {
            return;
        }
        for (var pageIndex = firstPage; pageIndex <= lastPage; pageIndex++)
        {
            if (FromImage(pageIndex))
            {
                MarkCopied(pageIndex);
                _imagePage((int)pageIndex).CopyTo(Memory().Span(pageIndex * _pageSizeBytes, _pageSizeBytes));
                _touchedEndBytes = Math.Max(_touchedEndBytes, (pageIndex + 1) * _pageSizeBytes);
            }
        }
    }

    private byte[] ZeroPage() => _zeroPage ??= new byte[_pageSizeBytes];

    /// <summary>Whether the page is still read from the image: an image page never copied (pages beyond the image read zeros).</summary>
    private bool FromImage(long pageIndex) =>
        _imagePage is not null && pageIndex < _imagePageCount && (_copiedPages is null || (_copiedPages[pageIndex >> 6] & (1UL << (int)(pageIndex & 63))) == 0);

    /// <summary>Notes that an image page now lives in memory (a bitmap over the image's pages, allocated at the first copy).</summary>
    private void MarkCopied(long pageIndex)
    {
        _copiedPages ??= new ulong[(_imagePageCount + 63) / 64];
        _copiedPages[pageIndex >> 6] |= 1UL << (int)(pageIndex & 63);
    }
}
