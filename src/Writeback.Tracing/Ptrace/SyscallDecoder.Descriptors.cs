namespace Writeback.Tracing.Ptrace;

/// <summary>Descriptors: opening (and creating) files, closing, duplicating, and fcntl's descriptor flags.</summary>
internal sealed partial class SyscallDecoder
{
    /// <summary>open, openat, openat2, creat: <paramref name="flags"/> are the call's open flags.</summary>
    public void OnOpen(TracedTask task, long fd, int flags)
    {
        task.Fds.Entries.Remove((int)fd);
        string? path = Relative(ReadLink($"/proc/{task.Tid}/fd/{fd}"));
        if (path is null)
        {
            return;
        }
        bool closeOnExec = (flags & Interop.Libc.O_CLOEXEC) != 0;
        if (Directory.Exists(Path.Combine(_directory, path)))
        {
            task.Fds.Entries[(int)fd] = (new OpenFile(null, path, flags), closeOnExec);
            return;
        }
        ShadowFile? file = _names.File(path);
        if (file is null)
        {
            file = new ShadowFile(path);
            _names.AddFile(path, file);
            Emit(task, TraceEventKind.Create, $"{task.Call!.Name}({path}, {OpenFlags(flags)})", path);
        }
        else if ((flags & Interop.Libc.O_TRUNC) != 0 && (flags & Interop.Libc.O_ACCMODE) != Interop.Libc.O_RDONLY && file.LengthBytes > 0)
        {
            SetLength(task, file, 0, $"{task.Call!.Name}({path}, {OpenFlags(flags)})");
        }
        task.Fds.Entries[(int)fd] = (new OpenFile(file, null, flags), closeOnExec);
    }

    private static string OpenFlags(int flags)
    {
        string access = (flags & Interop.Libc.O_ACCMODE) switch
        {
            Interop.Libc.O_RDONLY => "O_RDONLY",
            Interop.Libc.O_WRONLY => "O_WRONLY",
            _ => "O_RDWR",
        };
        var names = new List<string> { access };
        foreach ((int bit, string? name) in new[] { (Interop.Libc.O_CREAT, "O_CREAT"), (Interop.Libc.O_TRUNC, "O_TRUNC"), (Interop.Libc.O_APPEND, "O_APPEND"), (Syscall.O_DIRECT, "O_DIRECT") })
        {
            if ((flags & bit) != 0)
            {
                names.Add(name);
            }
        }
        if ((flags & Syscall.O_SYNC) == Syscall.O_SYNC)
        {
            names.Add("O_SYNC");
        }
        else if ((flags & Syscall.O_DSYNC) != 0)
        {
            names.Add("O_DSYNC");
        }
        return string.Join('|', names);
    }

    /// <summary>close_range(first, last, flags): forgets every descriptor in [first, last].</summary>
    public void OnCloseRange(TracedTask task)
    {
        (uint first, uint last) = ((uint)task.Args[0], (uint)task.Args[1]);
        foreach (int fd in task.Fds.Entries.Keys.Where(fd => (uint)fd >= first && (uint)fd <= last).ToList())
        {
            task.Fds.Entries.Remove(fd);
        }
    }

    /// <summary>dup, dup2, dup3, F_DUPFD: the new descriptor shares the old one's open file description.</summary>
    public void Duplicate(TracedTask task, int oldFd, int newFd, bool closeOnExec)
    {
        if (task.Fds.Entries.TryGetValue(oldFd, out (OpenFile File, bool CloseOnExec) entry))
        {
            task.Fds.Entries[newFd] = (entry.File, closeOnExec);
        }
        else
        {
            task.Fds.Entries.Remove(newFd);
        }
    }

    /// <summary>fcntl: duplication, FD_CLOEXEC, and the file status flags F_SETFL can change.</summary>
    public void OnFcntl(TracedTask task, int fd, int command, long argument, long result)
    {
        switch (command)
        {
            case Syscall.F_DUPFD:
                Duplicate(task, fd, (int)result, false);
                break;
            case Syscall.F_DUPFD_CLOEXEC:
                Duplicate(task, fd, (int)result, true);
                break;
            case Interop.Libc.F_SETFD when task.Fds.Entries.TryGetValue(fd, out (OpenFile File, bool CloseOnExec) entry):
                task.Fds.Entries[fd] = (entry.File, (argument & Interop.Libc.FD_CLOEXEC) != 0);
                break;
            case Interop.Libc.F_SETFL when task.Fds.Get(fd) is { } file:
                // F_SETFL changes O_APPEND, O_DIRECT, O_NONBLOCK; O_DSYNC and O_SYNC cannot be changed (fcntl(2)).
                file.Flags = (file.Flags & ~(Interop.Libc.O_APPEND | Syscall.O_DIRECT)) | ((int)argument & (Interop.Libc.O_APPEND | Syscall.O_DIRECT));
                break;
        }
    }
}
