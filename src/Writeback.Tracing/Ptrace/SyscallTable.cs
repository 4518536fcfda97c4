using static Writeback.Tracing.Ptrace.PathArgument;

namespace Writeback.Tracing.Ptrace;

/// <summary>
/// Every system call the recorder decodes, one row each (strace's syscallent.h is the model): its
/// number, name, path and descriptor arguments, when stores must be recorded before it, and its
/// decoders (grouped by topic in the <c>SyscallDecoder.*.cs</c> files). Calls not listed are not
/// decoded. Adding a call is one row here and, when no existing decoder fits, one decoder.
/// </summary>
internal static class SyscallTable
{
    /// <summary>The rows, in system call number order.</summary>
    public static IReadOnlyList<SyscallEntry> Entries { get; } =
    [
        Fd(Syscall.write, "write", static (d, t, r) => d.OnWrite(t, r)),
        Named(Syscall.open, "open", [Cwd(0)], static (d, t, r) => d.OnOpen(t, r, (int)t.Args[1])),
        Plain(Syscall.close, "close", static (_, t, _) => t.Fds.Entries.Remove((int)t.Args[0])),
        Plain(Syscall.mmap, "mmap", static (d, t, r) => d.OnMmap(t, (ulong)r)),
        Mappings(Syscall.munmap, "munmap", static (d, t, _) => d.OnMunmap(t)),
        Fd(Syscall.pwrite64, "pwrite64", static (d, t, r) => d.OnWrite(t, r)),
        Fd(Syscall.writev, "writev", static (d, t, r) => d.OnWrite(t, r)),
        Mappings(Syscall.mremap, "mremap", static (d, t, r) => d.OnMremap(t, (ulong)r)),
        Mappings(Syscall.msync, "msync", static (d, t, _) => d.OnMsync(t)),
        Plain(Syscall.dup, "dup", static (d, t, r) => d.Duplicate(t, (int)t.Args[0], (int)r, false)),
        Plain(Syscall.dup2, "dup2", static (d, t, r) => d.Duplicate(t, (int)t.Args[0], (int)r, false)),
        Plain(Syscall.sendfile, "sendfile", static (d, t, _) => d.OnCopyInto(t, outFdIndex: 0)),
        Mappings(Syscall.exit, "exit", null),
        Plain(Syscall.fcntl, "fcntl", static (d, t, r) => d.OnFcntl(t, (int)t.Args[0], (int)t.Args[1], (long)t.Args[2], r)),
        Fd(Syscall.fsync, "fsync", static (d, t, _) => d.OnFsync(t, TraceEventKind.Fsync)),
        Fd(Syscall.fdatasync, "fdatasync", static (d, t, _) => d.OnFsync(t, TraceEventKind.Fdatasync)),
        Named(Syscall.truncate, "truncate", [Cwd(0)], static (d, t, _) => d.OnTruncate(t)),
        Fd(Syscall.ftruncate, "ftruncate", static (d, t, _) => d.OnFtruncate(t)),
        Named(Syscall.rename, "rename", [Cwd(0), Cwd(1)], static (d, t, _) => d.OnRename(t)),
        Named(Syscall.mkdir, "mkdir", [Cwd(0)], static (d, t, _) => d.OnMkdir(t)),
        Named(Syscall.rmdir, "rmdir", [Cwd(0)], static (d, t, _) => d.OnRmdir(t)),
        Named(Syscall.creat, "creat", [Cwd(0)], static (d, t, r) => d.OnOpen(t, r, Interop.Libc.O_CREAT | Interop.Libc.O_TRUNC | Interop.Libc.O_WRONLY)),
        Named(Syscall.link, "link", [Cwd(0), Cwd(1)], static (d, t, _) => d.OnLink(t)),
        Named(Syscall.unlink, "unlink", [Cwd(0)], static (d, t, _) => d.OnUnlink(t)),
        Named(Syscall.symlink, "symlink", [Cwd(0), Cwd(1)], static (d, t, _) => d.OnLink(t)),
        Mappings(Syscall.sync, "sync", static (d, t, _) => d.OnSyncAll(t)),
        Mappings(Syscall.exit_group, "exit_group", null),
        Named(Syscall.openat, "openat", [At(0, 1)], static (d, t, r) => d.OnOpen(t, r, (int)t.Args[2])),
        Named(Syscall.mkdirat, "mkdirat", [At(0, 1)], static (d, t, _) => d.OnMkdir(t)),
        Named(Syscall.unlinkat, "unlinkat", [At(0, 1)], static (d, t, _) => d.OnUnlink(t)),
        Named(Syscall.renameat, "renameat", [At(0, 1), At(2, 3)], static (d, t, _) => d.OnRename(t)),
        Named(Syscall.linkat, "linkat", [At(0, 1), At(2, 3)], static (d, t, _) => d.OnLink(t)),
        Named(Syscall.symlinkat, "symlinkat", [None, At(1, 2)], static (d, t, _) => d.OnLink(t)),
        Plain(Syscall.splice, "splice", static (d, t, _) => d.OnCopyInto(t, outFdIndex: 2)),
        Fd(Syscall.sync_file_range, "sync_file_range", static (d, t, _) => d.OnSyncFileRange(t)),
        Fd(Syscall.fallocate, "fallocate", static (d, t, _) => d.OnFallocate(t)),
        Plain(Syscall.dup3, "dup3", static (d, t, r) => d.Duplicate(t, (int)t.Args[0], (int)r, ((int)t.Args[2] & Interop.Libc.O_CLOEXEC) != 0)),
        Fd(Syscall.pwritev, "pwritev", static (d, t, r) => d.OnWrite(t, r)),
        Mappings(Syscall.syncfs, "syncfs", static (d, t, _) => d.OnSyncAll(t)),
        Named(Syscall.renameat2, "renameat2", [At(0, 1), At(2, 3)], static (d, t, _) => d.OnRename(t)),
        Plain(Syscall.copy_file_range, "copy_file_range", static (d, t, _) => d.OnCopyInto(t, outFdIndex: 2)),
        Fd(Syscall.pwritev2, "pwritev2", static (d, t, r) => d.OnWrite(t, r)),
        Plain(Syscall.io_uring_setup, "io_uring_setup", null, static (d, t) => d.OnIoUringSetup(t)),
        Plain(Syscall.clone3, "clone3", null, static (_, t) => t.EntryFlags = SyscallDecoder.ReadUInt64(t.Tid, t.Args[0])),
        Plain(Syscall.close_range, "close_range", static (d, t, _) => d.OnCloseRange(t)),
        Named(Syscall.openat2, "openat2", [At(0, 1)], static (d, t, r) => d.OnOpen(t, r, (int)t.EntryFlags),
              static (_, t) => t.EntryFlags = SyscallDecoder.ReadUInt64(t.Tid, t.Args[2])),
    ];

    private static readonly SyscallEntry?[] ByNumber = Index(Entries);

    /// <summary>The row of system call <paramref name="number"/>, or null when the call is not decoded.</summary>
    public static SyscallEntry? Find(long number) => number >= 0 && number < ByNumber.Length ? ByNumber[number] : null;

    private static SyscallEntry?[] Index(IReadOnlyList<SyscallEntry> entries)
    {
        var byNumber = new SyscallEntry?[entries.Max(e => e.Number) + 1];
        foreach (SyscallEntry entry in entries)
        {
            if (byNumber[entry.Number] is not null)
            {
                throw new InvalidOperationException($"trace: system call {entry.Number} has two rows ({byNumber[entry.Number]!.Name}, {entry.Name})");
            }
            byNumber[entry.Number] = entry;
        }
        return byNumber;
    }

    /// <summary>A call on the descriptor in argument <paramref name="fdIndex"/>: stores are recorded first when it is under the directory.</summary>
    private static SyscallEntry Fd(int number, string name, ExitDecoder exit, int fdIndex = 0) =>
        new(number, name, [], fdIndex, StoreOrder.WhenFdUnder, null, exit);

    /// <summary>A call on names: stores are recorded first when one of its paths is under the directory.</summary>
    private static SyscallEntry Named(int number, string name, PathArgument[] paths, ExitDecoder exit, EntryDecoder? entry = null) =>
        new(number, name, paths, -1, StoreOrder.WhenPathUnder, entry, exit);

    /// <summary>A call that acts on mappings or ends the process: stores are always recorded first.</summary>
    private static SyscallEntry Mappings(int number, string name, ExitDecoder? exit) =>
        new(number, name, [], -1, StoreOrder.Always, null, exit);

    /// <summary>A call that only changes the recorder's view of descriptors or tasks: no stores are recorded before it.</summary>
    private static SyscallEntry Plain(int number, string name, ExitDecoder? exit, EntryDecoder? entry = null) =>
        new(number, name, [], -1, StoreOrder.Never, entry, exit);
}
