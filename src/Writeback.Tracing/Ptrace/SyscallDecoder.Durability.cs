namespace Writeback.Tracing.Ptrace;

/// <summary>Durability: fsync and fdatasync (of files and directories), sync_file_range, sync and syncfs, msync.</summary>
internal sealed partial class SyscallDecoder
{
    /// <summary>fsync or fdatasync (<paramref name="fileKind"/> says which) of a file or a directory.</summary>
    public void OnFsync(TracedTask task, TraceEventKind fileKind)
    {
        OpenFile? open = task.Fds.Get((long)task.Args[0]);
        string name = task.Call!.Name;
        if (open?.DirectoryPath is { } directory)
        {
            Emit(task, TraceEventKind.FsyncDirectory, $"{name}(directory {directory})", directory);
        }
        else if (open?.File is { Path: { } path })
        {
            Emit(task, fileKind, $"{name}({path})", path);
        }
    }

    /// <summary>sync_file_range(fd, offset, length, flags).</summary>
    public void OnSyncFileRange(TracedTask task)
    {
        if (task.Fds.Get((long)task.Args[0])?.File is { Path: { } path })
        {
            (long offsetBytes, long lengthBytes, int flags) = ((long)task.Args[1], (long)task.Args[2], (int)task.Args[3]);
            Emit(task, TraceEventKind.SyncFileRange, $"sync_file_range({path}, offset {offsetBytes}, {lengthBytes}, flags {flags})",
                 path, offsetBytes: offsetBytes, lengthBytes: lengthBytes, flags: flags);
        }
    }

    /// <summary>sync, syncfs: everything durable.</summary>
    public void OnSyncAll(TracedTask task) => Emit(task, TraceEventKind.SyncAll, $"{task.Call!.Name}()", "");

    /// <summary>msync(addr, length, flags) becomes one event per mapped file range it covers, in file offsets.</summary>
    public void OnMsync(TracedTask task)
    {
        (ulong start, ulong end, int flags) = (task.Args[0], task.Args[0] + task.Args[1], (int)task.Args[2]);
        foreach (Mapping? m in task.Memory.Mappings.Where(m => m.Start < end && m.End > start).OrderBy(m => m.Start).ToList())
        {
            if (m.File.Path is not { } path)
            {
                continue;
            }
            ulong from = Math.Max(start, m.Start);
            long offsetBytes = m.FileOffsetBytes + (long)(from - m.Start);
            long lengthBytes = (long)(Math.Min(end, m.End) - from);
            string flagText = (flags & Interop.Libc.MS_SYNC) != 0 ? "MS_SYNC" : (flags & Interop.Libc.MS_ASYNC) != 0 ? "MS_ASYNC" : "0";
            if ((flags & Interop.Libc.MS_INVALIDATE) != 0)
            {
                flagText += "|MS_INVALIDATE";
            }
            Emit(task, TraceEventKind.Msync, $"msync({path}, offset {offsetBytes}, {lengthBytes}, {flagText})", path,
                 offsetBytes: offsetBytes, lengthBytes: lengthBytes, flags: flags);
        }
    }
}
