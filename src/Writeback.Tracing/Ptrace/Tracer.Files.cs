namespace Writeback.Tracing.Ptrace;

internal sealed partial class Tracer
{
    /// <summary>The files under the directory, by path relative to it.</summary>
    private readonly Dictionary<string, ShadowFile> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "." };

    private void SnapshotDirectory()
    {
        foreach (var entry in new DirectoryInfo(_directory).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var path = Path.GetRelativePath(_directory, entry.FullName);
            if (entry.LinkTarget is not null)
            {
                throw new TraceException($"trace: {entry.FullName} is a symbolic link; links in the traced directory are not modelled");
            }
            if (entry is DirectoryInfo)
            {
                _directories.Add(path);
                _initialFiles.Add(new TraceFile(path, true, ReadOnlyMemory<byte>.Empty));
                continue;
            }
            var content = File.ReadAllBytes(entry.FullName);
            var file = new ShadowFile(path);
            file.Write(0, content);
            _files.Add(path, file);
            _initialFiles.Add(new TraceFile(path, false, content));
        }
    }

    private bool IsUnder(string fullPath) =>
        fullPath == _directory || fullPath.StartsWith(_directory + "/", StringComparison.Ordinal);

    /// <summary>The path relative to the directory ("." for the directory itself), or null when it lies outside.</summary>
    private string? Relative(string? fullPath) =>
        fullPath is null || !IsUnder(fullPath) ? null : fullPath == _directory ? "." : fullPath[(_directory.Length + 1)..];

    /// <summary>Resolves a path argument as the kernel would start to: against the cwd or the directory descriptor (lexically; symbolic links inside are not followed).</summary>
    private static string? ResolvePath(TracedTask task, int dirFd, ulong address)
    {
        var path = TraceeMemory.ReadString(task.Tid, address);
        if (path is null)
        {
            return null;
        }
        if (!path.StartsWith('/'))
        {
            var baseLink = dirFd == Syscall.AT_FDCWD ? $"/proc/{task.Tid}/cwd" : $"/proc/{task.Tid}/fd/{dirFd}";
            var basePath = ReadLink(baseLink);
            if (basePath is null)
            {
                return null;
            }
            path = basePath + "/" + path;
        }
        return Path.GetFullPath(path).TrimEnd('/') is { Length: > 0 } full ? full : "/";
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void OnOpen(TracedTask task, long fd, int flags)
    {
        task.Fds.Entries.Remove((int)fd);
        var path = Relative(ReadLink($"/proc/{task.Tid}/fd/{fd}"));
        if (path is null)
        {
            return;
        }
        var closeOnExec = (flags & Interop.Libc.O_CLOEXEC) != 0;
        if (Directory.Exists(Path.Combine(_directory, path)))
        {
            task.Fds.Entries[(int)fd] = (new OpenFile(null, path, flags), closeOnExec);
            return;
        }
        if (!_files.TryGetValue(path, out var file))
        {
            file = new ShadowFile(path);
            _files.Add(path, file);
            Emit(task, TraceEventKind.Create, $"open({path}, {OpenFlags(flags)})", path);
        }
        else if ((flags & Interop.Libc.O_TRUNC) != 0 && (flags & Interop.Libc.O_ACCMODE) != 0 && file.LengthBytes > 0)
        {
            SetLength(task, file, 0, $"open({path}, {OpenFlags(flags)})");
        }
        task.Fds.Entries[(int)fd] = (new OpenFile(file, null, flags), closeOnExec);
    }

    private static string OpenFlags(int flags)
    {
        var names = new List<string> { (flags & Interop.Libc.O_ACCMODE) switch { 0 => "O_RDONLY", 1 => "O_WRONLY", _ => "O_RDWR" } };
        foreach (var (bit, name) in new[] { (Interop.Libc.O_CREAT, "O_CREAT"), (Interop.Libc.O_TRUNC, "O_TRUNC"), (Interop.Libc.O_APPEND, "O_APPEND"), (Syscall.O_DIRECT, "O_DIRECT") })
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

    private void OnNameExit(TracedTask task)
    {
        var source = Relative(task.Path1);
        var target = Relative(task.Path2);
        switch (task.Nr)
        {
            case Syscall.rename or Syscall.renameat or Syscall.renameat2 when source is not null || target is not null:
                OnRename(task, source, target);
                break;
            case Syscall.unlink or Syscall.unlinkat when source is not null:
                if (task.Nr == Syscall.unlinkat && ((int)task.Args[2] & Interop.Libc.AT_REMOVEDIR) != 0)
                {
                    _directories.Remove(source);
                    Emit(task, TraceEventKind.Rmdir, $"unlinkat({source}, AT_REMOVEDIR)", source);
                    break;
                }
                if (_files.Remove(source, out var removed))
                {
                    removed.Path = null;
                }
                Emit(task, TraceEventKind.Unlink, $"{(task.Nr == Syscall.unlink ? "unlink" : "unlinkat")}({source})", source);
                break;
            case Syscall.mkdir or Syscall.mkdirat when source is not null:
                _directories.Add(source);
                Emit(task, TraceEventKind.Mkdir, $"mkdir({source})", source);
                break;
            case Syscall.rmdir when source is not null:
                _directories.Remove(source);
                Emit(task, TraceEventKind.Rmdir, $"rmdir({source})", source);
                break;
            case Syscall.link or Syscall.linkat or Syscall.symlink or Syscall.symlinkat when source is not null || target is not null:
                Refuse($"trace: pid {task.Tid} made a link '{target}' in the traced directory: hard and symbolic links are not modelled yet");
                break;
        }
    }

    private void OnRename(TracedTask task, string? source, string? target)
    {
        if (source is null || target is null)
        {
            Refuse($"trace: pid {task.Tid} renamed '{task.Path1}' to '{task.Path2}' across the traced directory's boundary; this is not modelled");
            return;
        }
        if (_directories.Contains(source))
        {
            foreach (var path in _files.Keys.Where(p => p.StartsWith(source + "/", StringComparison.Ordinal)).ToList())
            {
                _files.Remove(path, out var moved);
                moved!.Path = target + path[source.Length..];
                _files[moved.Path] = moved;
            }
            foreach (var directory in _directories.Where(d => d == source || d.StartsWith(source + "/", StringComparison.Ordinal)).ToList())
            {
                _directories.Remove(directory);
                _directories.Add(target + directory[source.Length..]);
            }
        }
        else if (_files.Remove(source, out var file))
        {
            if (_files.Remove(target, out var replaced))
            {
                replaced.Path = null;
            }
            file.Path = target;
            _files[target] = file;
        }
        Emit(task, TraceEventKind.Rename, $"rename({source}, {target})", source, target);
    }

    private void Emit(TracedTask task, TraceEventKind kind, string call, string path, string target = "", long offsetBytes = 0,
                      long lengthBytes = 0, int flags = 0, byte[]? data = null) =>
        _events.Add(new TraceEvent(kind, task.Tid, call, path, target, offsetBytes, lengthBytes, flags, data ?? ReadOnlyMemory<byte>.Empty));
}
