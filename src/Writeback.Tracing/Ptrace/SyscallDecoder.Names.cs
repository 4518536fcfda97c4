namespace Writeback.Tracing.Ptrace;

/// <summary>Names: the directory's initial contents, path resolution, and the calls that create, rename and remove names.</summary>
internal sealed partial class SyscallDecoder
{
    /// <summary>Reads the directory's files and subdirectories as they are before the program runs.</summary>
    public void SnapshotDirectory()
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
                _names.AddDirectory(path);
                _initialFiles.Add(new TraceFile(path, true, ReadOnlyMemory<byte>.Empty));
                continue;
            }
            var content = File.ReadAllBytes(entry.FullName);
            var file = new ShadowFile(path);
            file.Write(0, content);
            _names.AddFile(path, file);
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
            var baseLink = dirFd == Interop.Libc.AT_FDCWD ? $"/proc/{task.Tid}/cwd" : $"/proc/{task.Tid}/fd/{dirFd}";
            var basePath = ReadLink(baseLink);
            if (basePath is null)
            {
                return null;
            }
            path = basePath + "/" + path;
        }
        return Path.GetFullPath(path).TrimEnd('/') is { Length: > 0 } full ? full : "/";
    }

    /// <summary>The symbolic links the program made under the directory (by their shadow file, so renames and unlinks carry them).</summary>
    private readonly HashSet<ShadowFile> _symlinks = [];

    /// <summary>
    /// Refuses a call that would follow a symbolic link the program made under the directory (open, truncate, link,
    /// mkdir under it...): the recorder does not resolve links, so the call would be recorded on the link's name.
    /// Calls on the link itself (unlink, rename, symlink) are fine.
    /// </summary>
    private void RefuseFollowing(TracedTask task)
    {
        if (_symlinks.Count == 0 || task.Nr is Syscall.unlink or Syscall.unlinkat or Syscall.rename or Syscall.renameat or Syscall.renameat2
                or Syscall.symlink or Syscall.symlinkat)
        {
            return;
        }
        foreach (var fullPath in task.Paths)
        {
            var path = Relative(fullPath);
            for (var prefix = path; prefix is { Length: > 0 }; prefix = Path.GetDirectoryName(prefix))
            {
                if (_names.File(prefix) is { } file && _symlinks.Contains(file))
                {
                    Refuse($"trace: pid {task.Tid} called {task.Call!.Name} on '{path}' through the symbolic link '{prefix}' it made in the traced directory: following symbolic links is not modelled");
                    return;
                }
            }
        }
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

    /// <summary>rename, renameat, renameat2.</summary>
    public void OnRename(TracedTask task)
    {
        var source = Relative(task.Paths[0]);
        var target = Relative(task.Paths[1]);
        if (source is null && target is null)
        {
            return;
        }
        if (source is null || target is null)
        {
            Refuse($"trace: pid {task.Tid} renamed '{task.Paths[0]}' to '{task.Paths[1]}' across the traced directory's boundary; this is not modelled");
            return;
        }
        _names.Rename(source, target);
        Emit(task, TraceEventKind.Rename, $"rename({source}, {target})", source, target);
    }

    /// <summary>unlink, and unlinkat (which removes a directory with AT_REMOVEDIR).</summary>
    public void OnUnlink(TracedTask task)
    {
        if (Relative(task.Paths[0]) is not { } path)
        {
            return;
        }
        if (task.Nr == Syscall.unlinkat && ((int)task.Args[2] & Interop.Libc.AT_REMOVEDIR) != 0)
        {
            _names.RemoveDirectory(path);
            Emit(task, TraceEventKind.Rmdir, $"unlinkat({path}, AT_REMOVEDIR)", path);
            return;
        }
        if (_names.RemoveFile(path) is { } removed)
        {
            // A file with another hard link lives on under that name.
            removed.Path = _names.PathOf(removed);
        }
        Emit(task, TraceEventKind.Unlink, $"{task.Call!.Name}({path})", path);
    }

    /// <summary>mkdir, mkdirat.</summary>
    public void OnMkdir(TracedTask task)
    {
        if (Relative(task.Paths[0]) is { } path)
        {
            _names.AddDirectory(path);
            Emit(task, TraceEventKind.Mkdir, $"mkdir({path})", path);
        }
    }

    /// <summary>rmdir.</summary>
    public void OnRmdir(TracedTask task)
    {
        if (Relative(task.Paths[0]) is { } path)
        {
            _names.RemoveDirectory(path);
            Emit(task, TraceEventKind.Rmdir, $"rmdir({path})", path);
        }
    }

    /// <summary>
    /// link, linkat: a second name for a file under the directory (recorded; the replay gives the
    /// simulator's inode a second name). A link from outside the directory and linkat's AT_EMPTY_PATH
    /// (an O_TMPFILE made visible) are refused. symlink, symlinkat: a symbolic link, recorded with its
    /// target string; a later call that would follow it is refused (<see cref="RefuseFollowing"/>).
    /// </summary>
    public void OnLink(TracedTask task)
    {
        var target = Relative(task.Paths[1]);
        if (target is null)
        {
            return; // the new name lies outside the directory: nothing under it changes
        }
        if (task.Nr is Syscall.symlink or Syscall.symlinkat)
        {
            var link = new ShadowFile(target);
            _names.AddFile(target, link);
            _symlinks.Add(link);
            var contents = TraceeMemory.ReadString(task.Tid, task.Args[0]) ?? "";
            Emit(task, TraceEventKind.Symlink, $"{task.Call!.Name}({contents}, {target})", target, contents);
            return;
        }
        var source = Relative(task.Paths[0]);
        if (task.Nr == Syscall.linkat && ((int)task.Args[4] & Interop.Libc.AT_EMPTY_PATH) != 0)
        {
            Refuse($"trace: pid {task.Tid} called linkat(AT_EMPTY_PATH) to '{target}': linking an open descriptor (O_TMPFILE) is not modelled");
            return;
        }
        if (source is null || _names.File(source) is not { } file)
        {
            Refuse($"trace: pid {task.Tid} linked '{task.Paths[0]}' to '{target}': a hard link to a file from outside the traced directory (or to a directory) is not modelled");
            return;
        }
        _names.AddFile(target, file);
        Emit(task, TraceEventKind.Link, $"{task.Call!.Name}({source}, {target})", source, target);
    }
}
