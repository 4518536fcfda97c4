namespace Writeback.Tracing.Ptrace;

/// <summary>Mappings: mmap, munmap and mremap keep each address space's writable shared mappings of files under the directory.</summary>
internal sealed partial class SyscallDecoder
{
    /// <summary>mmap(addr, length, prot, flags, fd, offset) returned <paramref name="address"/>.</summary>
    public void OnMmap(TracedTask task, ulong address)
    {
        ulong[] a = task.Args;
        ulong lengthBytes = MappingDiff.PageRoundUp(a[1]);
        task.Memory.Remove(address, address + lengthBytes); // MAP_FIXED replaces what was there.
        int mapType = (int)a[3] & Syscall.MAP_TYPE;
        if ((mapType is not (Interop.Libc.MAP_SHARED or Syscall.MAP_SHARED_VALIDATE)) || ((int)a[2] & Interop.Libc.PROT_WRITE) == 0
            || task.Fds.Get((long)a[4])?.File is not { Path: not null } file)
        {
            return;
        }
        // The recorder's own descriptor on the same inode: pread through it sees the mapping's pages (one page cache).
        file.Handle ??= File.OpenHandle($"/proc/{task.Tid}/fd/{(long)a[4]}", FileMode.Open, FileAccess.Read);
        task.Memory.Mappings.Add(new Mapping(address, lengthBytes, file, (long)a[5]));
        _stores.Record(watched: true);
    }

    /// <summary>munmap(addr, length).</summary>
    public void OnMunmap(TracedTask task) => task.Memory.Remove(task.Args[0], task.Args[0] + MappingDiff.PageRoundUp(task.Args[1]));

    /// <summary>mremap(old, oldLength, newLength, ...) returned <paramref name="newAddress"/>: the mapping moves or changes size.</summary>
    public void OnMremap(TracedTask task, ulong newAddress)
    {
        ulong[] a = task.Args;
        Mapping? old = task.Memory.Mappings.FirstOrDefault(m => m.Start == a[0]);
        task.Memory.Remove(a[0], a[0] + MappingDiff.PageRoundUp(a[1]));
        if (old is not null)
        {
            ulong newLengthBytes = MappingDiff.PageRoundUp(a[2]);
            task.Memory.Remove(newAddress, newAddress + newLengthBytes);
            task.Memory.Mappings.Add(old with { Start = newAddress, LengthBytes = newLengthBytes });
        }
    }
}
