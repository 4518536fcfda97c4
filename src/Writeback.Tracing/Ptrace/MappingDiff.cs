namespace Writeback.Tracing.Ptrace;

/// <summary>
/// The stores to writable shared mappings: compares every page of every such mapping with what the
/// recorder last saw (read through the page cache with pread), and records each changed page as a
/// store event. Two stores to one page between two recorded calls are seen as one.
/// </summary>
internal sealed class MappingDiff(Func<IEnumerable<AddressSpace>> addressSpaces, List<TraceEvent> events)
{
    /// <summary>The page size the stores are seen at (x86_64's base page).</summary>
    public const int PageSizeBytes = 4096;

    /// <summary>Whether any writable shared mapping of a file under the directory was ever made (until then there is nothing to compare).</summary>
    public bool Any { get; private set; }

    /// <summary><paramref name="bytes"/> rounded up to whole pages, as the kernel rounds a mapping's length.</summary>
    public static ulong PageRoundUp(ulong bytes) => Pages.RoundUp(bytes, PageSizeBytes);

    /// <summary>Records the stores made since the last call; <paramref name="watched"/> says a mapping was just added.</summary>
    public void Record(bool watched = false)
    {
        Any |= watched;
        if (!Any)
        {
            return;
        }
        var ranges = new Dictionary<ShadowFile, List<(long Start, long End)>>();
        foreach (var space in addressSpaces().Distinct())
        {
            foreach (var m in space.Mappings.Where(m => m.File.Path is not null))
            {
                if (!ranges.TryGetValue(m.File, out var list))
                {
                    ranges.Add(m.File, list = []);
                }
                list.Add((m.FileOffsetBytes, m.FileOffsetBytes + (long)m.LengthBytes));
            }
        }
        foreach (var (file, list) in ranges)
        {
            RecordFile(file, list);
        }
    }

    private void RecordFile(ShadowFile file, List<(long Start, long End)> ranges)
    {
        var pages = new SortedSet<long>();
        foreach (var (start, end) in ranges)
        {
            for (var page = start / PageSizeBytes; page * PageSizeBytes < Math.Min(end, file.LengthBytes); page++)
            {
                pages.Add(page);
            }
        }
        var buffer = new byte[PageSizeBytes];
        foreach (var page in pages)
        {
            var offsetBytes = page * PageSizeBytes;
            var count = (int)Math.Min(PageSizeBytes, file.LengthBytes - offsetBytes);
            var read = RandomAccess.Read(file.Handle!, buffer.AsSpan(0, count), offsetBytes);
            var current = buffer.AsSpan(0, read);
            if (current.SequenceEqual(file.Content.AsSpan((int)offsetBytes, read)))
            {
                continue;
            }
            var data = current.ToArray();
            events.Add(new TraceEvent(TraceEventKind.Store, 0, $"stores to {file.Path} page {page}", file.Path!, "", offsetBytes, read, 0, data));
            file.Write(offsetBytes, data);
        }
    }
}
