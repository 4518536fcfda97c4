namespace Writeback.Tracing.Ptrace;

internal sealed unsafe partial class Tracer
{
    private void OnSyscallStop(TracedTask task)
    {
        Interop.Libc.PtraceSyscallInfo info;
        if (Interop.Libc.ptrace(Interop.Libc.PTRACE_GET_SYSCALL_INFO, task.Tid, sizeof(Interop.Libc.PtraceSyscallInfo), (nint)(&info)) <= 0)
        {
            return;
        }
        if (info.Op == Interop.Libc.PTRACE_SYSCALL_INFO_ENTRY)
        {
            _systemCallCount++;
            if (info.Arch != Syscall.AUDIT_ARCH_X86_64)
            {
                Refuse($"trace: pid {task.Tid} made a system call of another architecture (audit arch 0x{info.Arch:x}); only x86_64 programs are decoded");
                return;
            }
            task.Nr = (long)info.EntryNr;
            for (var i = 0; i < 6; i++)
            {
                task.Args[i] = info.EntryArgs[i];
            }
            OnEntry(task);
        }
        else if (info.Op == Interop.Libc.PTRACE_SYSCALL_INFO_EXIT && task.Nr >= 0)
        {
            if (info.ExitIsError == 0)
            {
                OnExit(task, info.ExitRval);
            }
            task.Nr = -1;
        }
    }

    private void OnEntry(TracedTask task)
    {
        var a = task.Args;
        switch (task.Nr)
        {
            case Syscall.io_uring_setup:
                Refuse($"trace: pid {task.Tid} called io_uring_setup: file operations submitted through io_uring never appear as system calls "
                       + "and are not decoded, so the recording is refused rather than missing them (a program built on Writeback: set WRITEBACK_IO_URING=0)");
                return;
            case Syscall.open or Syscall.creat or Syscall.truncate or Syscall.mkdir or Syscall.rmdir or Syscall.unlink:
                task.Path1 = ResolvePath(task, Syscall.AT_FDCWD, a[0]);
                break;
            case Syscall.rename or Syscall.link or Syscall.symlink:
                task.Path1 = ResolvePath(task, Syscall.AT_FDCWD, a[0]);
                task.Path2 = ResolvePath(task, Syscall.AT_FDCWD, a[1]);
                break;
            case Syscall.openat or Syscall.mkdirat or Syscall.unlinkat:
                task.Path1 = ResolvePath(task, (int)a[0], a[1]);
                break;
            case Syscall.openat2:
                task.Path1 = ResolvePath(task, (int)a[0], a[1]);
                task.EntryFlags = ReadUInt64(task.Tid, a[2]);
                break;
            case Syscall.renameat or Syscall.renameat2 or Syscall.linkat:
                task.Path1 = ResolvePath(task, (int)a[0], a[1]);
                task.Path2 = ResolvePath(task, (int)a[2], a[3]);
                break;
            case Syscall.symlinkat:
                task.Path2 = ResolvePath(task, (int)a[1], a[2]);
                break;
            case Syscall.clone3:
                task.EntryFlags = ReadUInt64(task.Tid, a[0]);
                break;
        }
        if (HasMappings && MayBeRecorded(task))
        {
            DiffMappings();
        }
    }

    /// <summary>Whether the call at entry may become a recorded event: stores made before it must be recorded before it.</summary>
    private bool MayBeRecorded(TracedTask task) => task.Nr switch
    {
        Syscall.write or Syscall.writev or Syscall.pwrite64 or Syscall.pwritev or Syscall.pwritev2 or Syscall.fsync or Syscall.fdatasync or Syscall.ftruncate
            or Syscall.fallocate or Syscall.sync_file_range => task.Fds.Get((long)task.Args[0]) is not null,
        Syscall.msync or Syscall.munmap or Syscall.mremap or Syscall.exit_group or Syscall.exit or Syscall.sync or Syscall.syncfs => true,
        _ => task.Path1 is not null && IsUnder(task.Path1) || task.Path2 is not null && IsUnder(task.Path2),
    };

    private static ulong ReadUInt64(int tid, ulong address)
    {
        Span<byte> bytes = stackalloc byte[8];
        return address != 0 && TraceeMemory.TryRead(tid, address, bytes) ? BitConverter.ToUInt64(bytes) : 0;
    }

    private void OnExit(TracedTask task, long result)
    {
        var a = task.Args;
        switch (task.Nr)
        {
            case Syscall.open:
                OnOpen(task, result, (int)a[1]);
                break;
            case Syscall.openat:
                OnOpen(task, result, (int)a[2]);
                break;
            case Syscall.openat2:
                OnOpen(task, result, (int)task.EntryFlags);
                break;
            case Syscall.creat:
                OnOpen(task, result, Interop.Libc.O_CREAT | Interop.Libc.O_TRUNC | 1);
                break;
            case Syscall.close:
                task.Fds.Entries.Remove((int)a[0]);
                break;
            case Syscall.close_range:
                foreach (var fd in task.Fds.Entries.Keys.Where(fd => (uint)fd >= (uint)a[0] && (uint)fd <= (uint)a[1]).ToList())
                {
                    task.Fds.Entries.Remove(fd);
                }
                break;
            case Syscall.dup:
                Duplicate(task, (int)a[0], (int)result, false);
                break;
            case Syscall.dup2:
                Duplicate(task, (int)a[0], (int)result, false);
                break;
            case Syscall.dup3:
                Duplicate(task, (int)a[0], (int)result, ((int)a[2] & Interop.Libc.O_CLOEXEC) != 0);
                break;
            case Syscall.fcntl:
                OnFcntl(task, (int)a[0], (int)a[1], (long)a[2], result);
                break;
            default:
                OnFileExit(task, result);
                break;
        }
    }

    private void OnFileExit(TracedTask task, long result)
    {
        var a = task.Args;
        switch (task.Nr)
        {
            case Syscall.write or Syscall.writev or Syscall.pwrite64 or Syscall.pwritev or Syscall.pwritev2:
                OnWrite(task, result);
                break;
            case Syscall.ftruncate when task.Fds.Get((long)a[0])?.File is { } file:
                SetLength(task, file, (long)a[1], $"ftruncate({file.Path}, {(long)a[1]})");
                break;
            case Syscall.truncate when Relative(task.Path1) is { } path && _files.TryGetValue(path, out var file):
                SetLength(task, file, (long)a[1], $"truncate({path}, {(long)a[1]})");
                break;
            case Syscall.fallocate when task.Fds.Get((long)a[0])?.File is { } file:
                OnFallocate(task, file, (int)a[1], (long)a[2], (long)a[3]);
                break;
            case Syscall.fsync or Syscall.fdatasync:
                OnFsync(task);
                break;
            case Syscall.sync_file_range when task.Fds.Get((long)a[0])?.File is { Path: { } path }:
                Emit(task, TraceEventKind.SyncFileRange, $"sync_file_range({path}, offset {(long)a[1]}, {(long)a[2]}, flags {a[3]})",
                     path, offsetBytes: (long)a[1], lengthBytes: (long)a[2], flags: (int)a[3]);
                break;
            case Syscall.sync or Syscall.syncfs:
                Emit(task, TraceEventKind.SyncAll, task.Nr == Syscall.sync ? "sync()" : "syncfs()", "");
                break;
            case Syscall.mmap:
                OnMmap(task, (ulong)result);
                break;
            case Syscall.munmap:
                task.Memory.Remove(a[0], a[0] + PageRoundUp(a[1]));
                break;
            case Syscall.mremap:
                OnMremap(task, (ulong)result);
                break;
            case Syscall.msync:
                OnMsync(task);
                break;
            case Syscall.sendfile or Syscall.copy_file_range or Syscall.splice:
                OnCopyInto(task);
                break;
            default:
                OnNameExit(task);
                break;
        }
    }

    private void Duplicate(TracedTask task, int oldFd, int newFd, bool closeOnExec)
    {
        if (task.Fds.Entries.TryGetValue(oldFd, out var entry))
        {
            task.Fds.Entries[newFd] = (entry.File, closeOnExec);
        }
        else
        {
            task.Fds.Entries.Remove(newFd);
        }
    }

    private void OnFcntl(TracedTask task, int fd, int command, long argument, long result)
    {
        switch (command)
        {
            case Syscall.F_DUPFD:
                Duplicate(task, fd, (int)result, false);
                break;
            case Syscall.F_DUPFD_CLOEXEC:
                Duplicate(task, fd, (int)result, true);
                break;
            case Interop.Libc.F_SETFD when task.Fds.Entries.TryGetValue(fd, out var entry):
                task.Fds.Entries[fd] = (entry.File, (argument & Interop.Libc.FD_CLOEXEC) != 0);
                break;
            case Syscall.F_SETFL when task.Fds.Get(fd) is { } file:
                // F_SETFL changes O_APPEND, O_DIRECT, O_NONBLOCK; O_DSYNC and O_SYNC cannot be changed (fcntl(2)).
                file.Flags = (file.Flags & ~(Interop.Libc.O_APPEND | Syscall.O_DIRECT)) | ((int)argument & (Interop.Libc.O_APPEND | Syscall.O_DIRECT));
                break;
        }
    }

    private void OnWrite(TracedTask task, long result)
    {
        var a = task.Args;
        var fd = (long)a[0];
        var open = task.Fds.Get(fd);
        if (open == OpenFile.StandardOutput && task.Nr is Syscall.write or Syscall.writev && result > 0)
        {
            var output = task.Nr == Syscall.write ? TraceeMemory.Read(task.Tid, a[1], result) : TraceeMemory.ReadIoVectors(task.Tid, a[1], (long)a[2], result);
            Emit(task, TraceEventKind.Output, $"write(stdout, {result} {(result == 1 ? "byte" : "bytes")})", "", data: output);
            return;
        }
        if (open?.File is not { Path: { } path } file || result <= 0)
        {
            return;
        }
        var data = task.Nr is Syscall.write or Syscall.pwrite64
            ? TraceeMemory.Read(task.Tid, a[1], result)
            : TraceeMemory.ReadIoVectors(task.Tid, a[1], (long)a[2], result);
        // pwritev2's flags act on this one write: RWF_APPEND writes at the end of the file whatever the
        // offset (and moves the position only when the offset is -1); RWF_DSYNC and RWF_SYNC make it
        // synchronous like O_DSYNC/O_SYNC (pwritev2(2)). They are the sixth argument: the kernel takes
        // the offset as two halves, a[3] and a[4] ("C library/kernel differences"; x86_64 uses a[3]).
        var writeFlags = task.Nr == Syscall.pwritev2 ? (int)a[5] : 0;
        var offsetBytes = task.Nr switch
        {
            Syscall.pwrite64 or Syscall.pwritev => (long)a[3],
            Syscall.pwritev2 when (writeFlags & Syscall.RWF_APPEND) != 0 && (long)a[3] != -1 => FileLength(task.Tid, (int)fd) - result,
            Syscall.pwritev2 when (long)a[3] != -1 => (long)a[3],
            _ => FilePosition(task.Tid, (int)fd) - result,
        };
        var name = task.Nr switch { Syscall.write => "write", Syscall.writev => "writev", Syscall.pwrite64 => "pwrite64", Syscall.pwritev => "pwritev", _ => "pwritev2" };
        var call = $"{name}({path}, offset {offsetBytes}, {result} {(result == 1 ? "byte" : "bytes")})";
        Emit(task, TraceEventKind.Write, call, path, offsetBytes: offsetBytes, lengthBytes: result, data: data);
        file.Write(offsetBytes, data);
        if (open.IsSynchronous || (writeFlags & (Syscall.RWF_DSYNC | Syscall.RWF_SYNC)) != 0)
        {
            Emit(task, TraceEventKind.SyncWrite, call, path, offsetBytes: offsetBytes, lengthBytes: result);
        }
    }

    /// <summary>The descriptor's file position after the call, from /proc/PID/fdinfo (exact for O_APPEND and shared descriptions).</summary>
    private static long FilePosition(int tid, int fd)
    {
        foreach (var line in File.ReadLines($"/proc/{tid}/fdinfo/{fd}"))
        {
            if (line.StartsWith("pos:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(4).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        throw new TraceException($"trace: /proc/{tid}/fdinfo/{fd} has no 'pos:' line");
    }

    /// <summary>The file's length after the call, through the tracee's descriptor (a write appended at the end ends there).</summary>
    private static long FileLength(int tid, int fd)
    {
        using var handle = File.OpenHandle($"/proc/{tid}/fd/{fd}", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return RandomAccess.GetLength(handle);
    }

    private void OnFallocate(TracedTask task, ShadowFile file, int mode, long offsetBytes, long lengthBytes)
    {
        var call = $"fallocate({file.Path}, mode {mode}, offset {offsetBytes}, {lengthBytes})";
        var end = offsetBytes + lengthBytes;
        if ((mode & (Interop.Libc.FALLOC_FL_PUNCH_HOLE | Interop.Libc.FALLOC_FL_ZERO_RANGE)) != 0)
        {
            var zeroEnd = (mode & Interop.Libc.FALLOC_FL_KEEP_SIZE) != 0 ? Math.Min(end, file.LengthBytes) : end;
            if (zeroEnd > offsetBytes)
            {
                var zeros = new byte[zeroEnd - offsetBytes];
                Emit(task, TraceEventKind.Write, call, file.Path!, offsetBytes: offsetBytes, lengthBytes: zeros.Length, data: zeros);
                file.Write(offsetBytes, zeros);
            }
            return;
        }
        if (mode is 0 && end > file.LengthBytes)
        {
            SetLength(task, file, end, call);
        }
        else if ((mode & ~Interop.Libc.FALLOC_FL_KEEP_SIZE) != 0)
        {
            Refuse($"trace: pid {task.Tid} called {call}: this fallocate mode (collapse, insert or unshare range) is not modelled");
        }
    }

    private void SetLength(TracedTask task, ShadowFile file, long lengthBytes, string call)
    {
        if (file.Path is null)
        {
            return;
        }
        Emit(task, TraceEventKind.SetLength, call, file.Path, offsetBytes: lengthBytes);
        file.SetLength(lengthBytes);
    }

    private void OnFsync(TracedTask task)
    {
        var open = task.Fds.Get((long)task.Args[0]);
        var name = task.Nr == Syscall.fsync ? "fsync" : "fdatasync";
        if (open?.DirectoryPath is { } directory)
        {
            Emit(task, TraceEventKind.FsyncDirectory, $"{name}(directory {directory})", directory);
        }
        else if (open?.File is { Path: { } path })
        {
            Emit(task, task.Nr == Syscall.fsync ? TraceEventKind.Fsync : TraceEventKind.Fdatasync, $"{name}({path})", path);
        }
    }

    private void OnCopyInto(TracedTask task)
    {
        var outFd = task.Nr switch { Syscall.sendfile => (long)task.Args[0], _ => (long)task.Args[2] };
        if (task.Fds.Get(outFd) is { } open)
        {
            var name = task.Nr switch { Syscall.sendfile => "sendfile", Syscall.splice => "splice", _ => "copy_file_range" };
            Refuse($"trace: pid {task.Tid} called {name} into '{open.File?.Path}': data copied inside the kernel is not recorded yet");
        }
    }
}
