using Writeback.Simulation.Exploration;

namespace Writeback.Simulation.Storage;

/// <summary>
/// A file's contents in an in-memory store (an inode: names point at it): its length and its page
/// cache (<see cref="PageMemory"/>, committed only where touched). In a post-crash view the pages
/// come from the image's immutable versions and are loaded into memory one by one, only when
/// written or read through a span that crosses pages; nothing else is ever copied. A view's memory
/// is a pooled block holding whatever an earlier view left in it: a page of it is part of the file
/// only once this view has loaded, zeroed or written it (<see cref="_inMemory"/>); until then the
/// page reads from the image or as zeros. It records nothing: the history of a recorded run is kept
/// by <see cref="InodeHistory"/>.
/// </summary>
internal sealed class Inode
{
    private readonly int _pageSizeBytes;
    private readonly IImageSource? _image;
    private PageMemory? _memory;

    /// <summary>A view's pages that live in its memory (loaded, zeroed or written by this view): a bitmap, allocated at the first.</summary>
    private ulong[]? _inMemory;

    /// <summary>A view's pages below this that are not in memory read from the image (pages cut by a truncation leave it).</summary>
    private long _imagePageCount;
    private long _reservedBytes;

    /// <summary>The end of what was ever written (a file's own memory, not a view's: a view knows its pages by <see cref="_inMemory"/>).</summary>
    private long _touchedEndBytes;
    private byte[]? _zeroPage;

    /// <summary>An empty file.</summary>
    public Inode(int id, int pageSizeBytes)
    {
        Id = id;
        _pageSizeBytes = pageSizeBytes;
    }

    /// <summary>A post-crash image's file <paramref name="inodeId"/>: its length and pages; nothing is copied until needed.</summary>
    public Inode(IImageSource image, int inodeId)
    {
        Id = inodeId;
        _pageSizeBytes = image.PageSizeBytes;
        LengthBytes = image.LengthOf(inodeId);
        _image = image;
        _imagePageCount = Pages.CountOf(LengthBytes, _pageSizeBytes);
    }

    public int Id { get; }

    public long LengthBytes { get; private set; }

    /// <summary>The bytes cut by length changes since <see cref="TakeLengthChanges"/> was last called (created at the first: most views never change a length).</summary>
    private List<(long LengthBytes, long CutEndBytes)>? _lengthChanges;

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
        if (_memory is not { } old || old.CapacityBytes >= reservedBytes)
        {
            return;
        }
        if (_image is null)
        {
            _memory = new PageMemory(reservedBytes);
            old.CopyTo(_memory, Math.Min(_touchedEndBytes, old.CapacityBytes));
            old.Dispose();
            return;
        }
        _memory = PageMemory.Rent(reservedBytes);
        for (long pageIndex = 0L; _inMemory is not null && pageIndex < _inMemory.Length * 64L; pageIndex++)
        {
            if (InMemory(pageIndex))
            {
                long startBytes = pageIndex * _pageSizeBytes;
                old.ReadOnlySpan(startBytes, _pageSizeBytes).CopyTo(_memory.Span(startBytes, _pageSizeBytes));
            }
        }
        PageMemory.Return(old);
    }

    /// <summary>Reads bytes; from the image's versions where no page was copied.</summary>
    public void Read(long offsetBytes, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            long position = offsetBytes + done;
            long pageIndex = position / _pageSizeBytes;
            int inPage = (int)(position % _pageSizeBytes);
            int count = Math.Min(_pageSizeBytes - inPage, destination.Length - done);
            PageSource(pageIndex).Slice(inPage, count).CopyTo(destination[done..]);
            done += count;
        }
    }

    /// <summary>
    /// A read-only view; served from the shared page version when it lies within one uncopied page,
    /// else from memory, where a view loads (or zeroes) the pages it covers first.
    /// </summary>
    public ReadOnlySpan<byte> ReadOnlyView(long offsetBytes, int lengthBytes)
    {
        long pageIndex = offsetBytes / _pageSizeBytes;
        int inPage = (int)(offsetBytes % _pageSizeBytes);
        if (inPage + lengthBytes <= _pageSizeBytes && FromImage(pageIndex))
        {
            return _image!.Page(Id, (int)pageIndex).AsSpan(inPage, lengthBytes);
        }
        if (_image is null)
        {
            return WritableView(offsetBytes, lengthBytes);
        }
        PageMemory memory = Memory();
        if (lengthBytes > 0)
        {
            BringIntoMemory(offsetBytes / _pageSizeBytes, (offsetBytes + lengthBytes - 1) / _pageSizeBytes);
        }
        return memory.ReadOnlySpan(offsetBytes, lengthBytes);
    }

    /// <summary>Stores <paramref name="source"/> at <paramref name="offsetBytes"/> (within the length).</summary>
    public void Write(long offsetBytes, ReadOnlySpan<byte> source) => source.CopyTo(WritableView(offsetBytes, source.Length));

    /// <summary>A writable view of the page cache (within the length); a view loads (or zeroes) the pages it covers first.</summary>
    public Span<byte> WritableView(long offsetBytes, int lengthBytes)
    {
        PageMemory memory = Memory();
        if (lengthBytes > 0)
        {
            BringIntoMemory(offsetBytes / _pageSizeBytes, (offsetBytes + lengthBytes - 1) / _pageSizeBytes);
        }
        _touchedEndBytes = Math.Max(_touchedEndBytes, offsetBytes + lengthBytes);
        return memory.Span(offsetBytes, lengthBytes);
    }

    /// <summary>One page as it is now (zeros beyond what was ever touched): for the recorder.</summary>
    public ReadOnlySpan<byte> Page(long pageIndex) => PageSource(pageIndex);

    /// <summary>Changes the length; zeroes what is cut so a later growth reads zeros, as the kernel does.</summary>
    public void ChangeLength(long lengthBytes)
    {
        long cutEndBytes = lengthBytes;
        if (lengthBytes < LengthBytes)
        {
            cutEndBytes = PageCount * _pageSizeBytes;
            if (_image is null)
            {
                long clearEndBytes = Math.Min(cutEndBytes, _touchedEndBytes);
                if (_memory is not null && clearEndBytes > lengthBytes)
                {
                    _memory.Clear(lengthBytes, clearEndBytes - lengthBytes);
                }
            }
            else
            {
                CutView(lengthBytes);
            }
        }
        LengthBytes = lengthBytes;
        (_lengthChanges ??= []).Add((lengthBytes, cutEndBytes));
    }

    /// <summary>
    /// A view's truncation: whole pages beyond the new end read zeros from now on (neither from the
    /// image nor from memory), and the rest of the new last page is zeroed in memory.
    /// </summary>
    private void CutView(long lengthBytes)
    {
        long keptPageCount = Pages.CountOf(lengthBytes, _pageSizeBytes);
        _imagePageCount = Math.Min(_imagePageCount, keptPageCount);
        for (long pageIndex = keptPageCount; _inMemory is not null && pageIndex < _inMemory.Length * 64L; pageIndex++)
        {
            _inMemory[pageIndex >> 6] &= ~(1UL << (int)(pageIndex & 63));
        }
        if (lengthBytes % _pageSizeBytes != 0)
        {
            BringIntoMemory(lengthBytes / _pageSizeBytes, lengthBytes / _pageSizeBytes);
            Memory().Span(lengthBytes, (int)(_pageSizeBytes - lengthBytes % _pageSizeBytes)).Clear();
        }
    }

    /// <summary>The lengths set since the last call of this method, each with the end of what it cut (its own length when it cut nothing).</summary>
    public (long LengthBytes, long CutEndBytes)[] TakeLengthChanges()
    {
        if (_lengthChanges is not { Count: > 0 })
        {
            return [];
        }
        (long LengthBytes, long CutEndBytes)[] changes = _lengthChanges.ToArray();
        _lengthChanges.Clear();
        return changes;
    }

    /// <summary>Frees the page cache (a post-crash view after its check, a recording once finished).</summary>
    public void Release()
    {
        if (_memory is not null && _image is not null)
        {
            PageMemory.Return(_memory);
        }
        else
        {
            _memory?.Dispose();
        }
        _memory = null;
        _inMemory = null;
    }

    private long PageCount => Pages.CountOf(LengthBytes, _pageSizeBytes);

    private PageMemory Memory()
    {
        if (_memory is null)
        {
            long capacityBytes = Math.Max(_reservedBytes, Pages.RoundUp(LengthBytes, _pageSizeBytes));
            _memory = _image is null ? new PageMemory(capacityBytes) : PageMemory.Rent(capacityBytes);
        }
        return _memory;
    }

    private ReadOnlySpan<byte> PageSource(long pageIndex)
    {
        if (FromImage(pageIndex))
        {
            return _image!.Page(Id, (int)pageIndex);
        }
        long startBytes = pageIndex * _pageSizeBytes;
        if (_memory is null || startBytes >= _memory.CapacityBytes || (_image is not null && !InMemory(pageIndex)))
        {
            return ZeroPage();
        }
        return _memory.ReadOnlySpan(startBytes, _pageSizeBytes);
    }

    /// <summary>
    /// A view's pages [first, last] become part of its memory: each one not yet there is loaded
    /// from the image, or zeroed where the file has no image page (the block may hold an earlier view's bytes).
    /// </summary>
    private void BringIntoMemory(long firstPage, long lastPage)
    {
        if (_image is null)
        {
            return;
        }
        PageMemory memory = Memory();
        for (long pageIndex = firstPage; pageIndex <= lastPage; pageIndex++)
        {
            if (InMemory(pageIndex))
            {
                continue;
            }
            if (pageIndex < _imagePageCount)
            {
                memory.Load(pageIndex, _pageSizeBytes, _image.Page(Id, (int)pageIndex));
            }
            else
            {
                memory.Zero(pageIndex, _pageSizeBytes);
            }
            MarkInMemory(pageIndex);
        }
    }

    private byte[] ZeroPage() => _zeroPage ??= new byte[_pageSizeBytes];

    /// <summary>Whether the page is still read from the image: an image page not in memory (pages beyond the image read zeros).</summary>
    private bool FromImage(long pageIndex) => _image is not null && pageIndex < _imagePageCount && !InMemory(pageIndex);

    private bool InMemory(long pageIndex) =>
        _inMemory is { } bits && (pageIndex >> 6) < bits.Length && (bits[pageIndex >> 6] & (1UL << (int)(pageIndex & 63))) != 0;

    /// <summary>Notes that a view's page now lives in memory (the bitmap grows to hold it).</summary>
    private void MarkInMemory(long pageIndex)
    {
        long word = pageIndex >> 6;
        if (_inMemory is null || word >= _inMemory.Length)
        {
            ulong[] grown = new ulong[Math.Max(word + 1, Math.Max((_imagePageCount + 63) / 64, (_inMemory?.Length ?? 0) * 2))];
            _inMemory?.CopyTo(grown, 0);
            _inMemory = grown;
        }
        _inMemory[word] |= 1UL << (int)(pageIndex & 63);
    }
}
