namespace Writeback.Tracing.Ptrace;

/// <summary>A file under the traced directory as the recorder believes it is: its name, length and contents.</summary>
internal sealed class ShadowFile(string path)
{
    /// <summary>The current name relative to the directory; null once unlinked.</summary>
    public string? Path { get; set; } = path;

    public byte[] Content { get; private set; } = [];

    public long LengthBytes { get; private set; }

    /// <summary>The recorder's own read-only descriptor (opened through /proc/PID/fd when first mapped): it survives renames.</summary>
    public Microsoft.Win32.SafeHandles.SafeFileHandle? Handle { get; set; }

    public void SetLength(long lengthBytes)
    {
        EnsureCapacity(lengthBytes);
        if (lengthBytes < LengthBytes)
        {
            Content.AsSpan((int)lengthBytes, (int)(LengthBytes - lengthBytes)).Clear();
        }
        LengthBytes = lengthBytes;
    }

    public void Write(long offsetBytes, ReadOnlySpan<byte> data)
    {
        EnsureCapacity(offsetBytes + data.Length);
        data.CopyTo(Content.AsSpan((int)offsetBytes));
        LengthBytes = Math.Max(LengthBytes, offsetBytes + data.Length);
    }

    private void EnsureCapacity(long lengthBytes)
    {
        if (lengthBytes > Content.Length)
        {
            byte[] grown = new byte[Math.Max(lengthBytes, Content.Length * 2L)];
            Content.CopyTo(grown, 0);
            Content = grown;
        }
    }
}

/// <summary>An open file description under the directory (shared by dup'ed descriptors and forked children).</summary>
internal sealed class OpenFile(ShadowFile? file, string? directoryPath, int flags)
{
    /// <summary>The program's standard output as it was started: writes to it are its acknowledgements, wherever dup2 puts it.</summary>
    public static OpenFile StandardOutput { get; } = new(null, null, Interop.Libc.O_WRONLY);

    /// <summary>The regular file, or null for a directory.</summary>
    public ShadowFile? File { get; } = file;

    /// <summary>The directory's path relative to the traced directory, for a directory.</summary>
    public string? DirectoryPath { get; } = directoryPath;

    public int Flags { get; set; } = flags;

    public bool IsSynchronous => (Flags & Syscall.O_DSYNC) != 0; // O_SYNC includes the O_DSYNC bit (open(2))
}

/// <summary>A descriptor table: only descriptors of files under the directory are kept.</summary>
internal sealed class FdTable
{
    public Dictionary<int, (OpenFile File, bool CloseOnExec)> Entries { get; } = [];

    public FdTable Copy()
    {
        var copy = new FdTable();
        foreach ((int fd, (OpenFile File, bool CloseOnExec) entry) in Entries)
        {
            copy.Entries.Add(fd, entry);
        }
        return copy;
    }

    public OpenFile? Get(long fd) => fd is >= 0 and <= int.MaxValue && Entries.TryGetValue((int)fd, out (OpenFile File, bool CloseOnExec) entry) ? entry.File : null;
}

/// <summary>A writable shared mapping of a file under the directory.</summary>
internal sealed record Mapping(ulong Start, ulong LengthBytes, ShadowFile File, long FileOffsetBytes)
{
    public ulong End => Start + LengthBytes;
}

/// <summary>An address space (shared by the threads of a process, and by a vfork child until it execs).</summary>
internal sealed class AddressSpace
{
    public List<Mapping> Mappings { get; } = [];

    public int Users { get; set; }

    public AddressSpace Copy()
    {
        var copy = new AddressSpace();
        copy.Mappings.AddRange(Mappings);
        return copy;
    }

    /// <summary>Removes [start, end) from every mapping, splitting those that straddle it.</summary>
    public void Remove(ulong start, ulong end)
    {
        for (int i = Mappings.Count - 1; i >= 0; i--)
        {
            Mapping m = Mappings[i];
            if (m.End <= start || m.Start >= end)
            {
                continue;
            }
            Mappings.RemoveAt(i);
            if (m.Start < start)
            {
                Mappings.Add(m with { LengthBytes = start - m.Start });
            }
            if (m.End > end)
            {
                Mappings.Add(new Mapping(end, m.End - end, m.File, m.FileOffsetBytes + (long)(end - m.Start)));
            }
        }
    }
}

/// <summary>One traced thread: its process's descriptor table and address space, and the system call it is in.</summary>
internal sealed class TracedTask(int tid, FdTable fds, AddressSpace memory)
{
    public int Tid { get; set; } = tid;

    public FdTable Fds { get; set; } = fds;

    public AddressSpace Memory { get; set; } = memory;

    /// <summary>The system call number at entry, or -1 outside a call.</summary>
    public long Nr { get; set; } = -1;

    public ulong[] Args { get; } = new ulong[6];

    /// <summary>The table row of the call at entry, or null outside a call and for calls not decoded.</summary>
    public SyscallEntry? Call { get; set; }

    /// <summary>The call's path arguments resolved at entry (absolute, lexically normalised), in the row's order; null where absent.</summary>
    public string?[] Paths { get; } = new string?[2];

    /// <summary>Flags read from tracee memory at entry (openat2's how.flags, clone3's flags).</summary>
    public ulong EntryFlags { get; set; }
}
