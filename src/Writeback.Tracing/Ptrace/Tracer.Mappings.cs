namespace Writeback.Tracing.Ptrace;

internal sealed partial class Tracer
{
    private const int PageSizeBytes = 4096;
    private bool _anyMapping;

    private bool HasMappings => _anyMapping;

    private static ulong PageRoundUp(ulong bytes) => (bytes + PageSizeBytes - 1) & ~(ulong)(PageSizeBytes - 1);

    private void OnMmap(TracedTask task, ulong address)
    {
        var a = task.Args;
        var lengthBytes = PageRoundUp(a[1]);
        task.Memory.Remove(address, address + lengthBytes); // MAP_FIXED replaces what was there.
        var mapType = (int)a[3] & Syscall.MAP_TYPE;
        if ((mapType is not (Interop.Libc.MAP_SHARED or Syscall.MAP_SHARED_VALIDATE)) || ((int)a[2] & Interop.Libc.PROT_WRITE) == 0
            || task.Fds.Get((long)a[4])?.File is not { Path: not null } file)
        {
            return;
        }
        // The recorder's own descriptor on the same inode: pread through it sees the mapping's pages (one page cache).
        file.Handle ??= File.OpenHandle($"/proc/{task.Tid}/fd/{(long)a[4]}", FileMode.Open, FileAccess.Read);
        task.Memory.Mappings.Add(new Mapping(address, lengthBytes, file, (long)a[5]));
        _anyMapping = true;
        DiffMappings();
    }

    private void OnMremap(TracedTask task, ulong newAddress)
    {
        var a = task.Args;
        var old = task.Memory.Mappings.FirstOrDefault(m => m.Start == a[0]);
        task.Memory.Remove(a[0], a[0] + PageRoundUp(a[1]));
        if (old is not null)
        {
            task.Memory.Remove(newAddress, newAddress + PageRoundUp(a[2]));
            task.Memory.Mappings.Add(old with { Start = newAddress, LengthBytes = PageRoundUp(a[2]) });
        }
    }

    /// <summary>msync(addr, length, flags) becomes one event per mapped file range it covers, in file offsets.</summary>
    private void OnMsync(TracedTask task)
    {
        var (start, end, flags) = (task.Args[0], task.Args[0] + task.Args[1], (int)task.Args[2]);
        foreach (var m in task.Memory.Mappings.Where(m => m.Start < end && m.End > start).OrderBy(m => m.Start).ToList())
        {
            if (m.File.Path is not { } path)
            {
                continue;
            }
            var from = Math.Max(start, m.Start);
            var offsetBytes = m.FileOffsetBytes + (long)(from - m.Start);
            var lengthBytes = (long)(Math.Min(end, m.End) - from);
            var flagText = (flags & Interop.Libc.MS_SYNC) != 0 ? "MS_SYNC" : (flags & Interop.Libc.MS_ASYNC) != 0 ? "MS_ASYNC" : "0";
            if ((flags & Interop.Libc.MS_INVALIDATE) != 0)
            {
                flagText += "|MS_INVALIDATE";
            }
            Emit(task, TraceEventKind.Msync, $"msync({path}, offset {offsetBytes}, {lengthBytes}, {flagText})", path,
                 offsetBytes: offsetBytes, lengthBytes: lengthBytes, flags: flags);
        }
    }

    /// <summary>
    /// Compares every page of every writable shared mapping with what the recorder last saw (read
    /// through the page cache with pread), and records each changed page as a store, before the
    /// call being decoded. Two stores to one page between two recorded calls are seen as one.
    /// </summary>
    private void DiffMappings()
    {
        var ranges = new Dictionary<ShadowFile, List<(long Start, long End)>>();
        foreach (var space in _tasks.Values.Select(t => t.Memory).Distinct())
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
            DiffFile(file, list);
        }
    }

    private void DiffFile(ShadowFile file, List<(long Start, long End)> ranges)
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
            _events.Add(new TraceEvent(TraceEventKind.Store, 0, $"stores to {file.Path} page {page}", file.Path!, "", offsetBytes, read, 0, data));
            file.Write(offsetBytes, data);
        }
    }

    private void FinishMappings()
    {
        if (_anyMapping)
        {
            DiffMappings();
        }
        foreach (var file in _files.Values)
        {
            file.Handle?.Dispose();
        }
    }
}
