namespace Writeback.Tracing.Ptrace;

/// <summary>A path argument: the path's argument index and the directory descriptor's (or none: relative to the cwd).</summary>
/// <param name="Index">The index of the argument holding the path's address, or -1 for an unused slot.</param>
/// <param name="DirectoryFdIndex">The index of the argument holding the directory descriptor, or -1 for <c>AT_FDCWD</c>.</param>
internal readonly record struct PathArgument(int Index, int DirectoryFdIndex = -1)
{
    /// <summary>A path slot the call does not fill (symlinkat's first name is the link's content, not a path).</summary>
    public static PathArgument None { get; } = new(-1);

    /// <summary>A path relative to the current directory.</summary>
    public static PathArgument Cwd(int index) => new(index);

    /// <summary>A path relative to a directory descriptor (the *at calls).</summary>
    public static PathArgument At(int directoryFdIndex, int index) => new(index, directoryFdIndex);
}

/// <summary>Decodes a call at entry (before the kernel runs it): reads what is gone by exit.</summary>
internal delegate void EntryDecoder(SyscallDecoder decoder, TracedTask task);

/// <summary>Decodes a call that succeeded, at exit, with its result.</summary>
internal delegate void ExitDecoder(SyscallDecoder decoder, TracedTask task, long result);

/// <summary>When the stores made to shared mappings before a call must be recorded before it.</summary>
internal enum StoreOrder
{
    /// <summary>Never: the call changes only the recorder's view of descriptors or tasks.</summary>
    Never,

    /// <summary>When one of the call's paths lies under the traced directory.</summary>
    WhenPathUnder,

    /// <summary>When the descriptor argument is a file or directory under the traced directory.</summary>
    WhenFdUnder,

    /// <summary>Always (the call acts on mappings, or ends the process).</summary>
    Always,
}

/// <summary>
/// One row of the <see cref="SyscallTable"/>: everything the recorder knows about one system call.
/// </summary>
/// <param name="Number">The x86_64 system call number (arch/x86/entry/syscalls/syscall_64.tbl).</param>
/// <param name="Name">The call's name, used in every recorded event's description.</param>
/// <param name="Paths">The path arguments, resolved at entry into <see cref="TracedTask.Paths"/> in this order.</param>
/// <param name="FdArgument">The index of the descriptor argument the call acts on, or -1.</param>
/// <param name="Stores">When stores to mappings must be recorded before the call.</param>
/// <param name="OnEntry">The entry decoder, or null.</param>
/// <param name="OnExit">The exit decoder (run only when the call succeeded), or null.</param>
internal sealed record SyscallEntry(int Number, string Name, PathArgument[] Paths, int FdArgument, StoreOrder Stores,
                                   EntryDecoder? OnEntry, ExitDecoder? OnExit);
