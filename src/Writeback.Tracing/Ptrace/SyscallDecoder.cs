namespace Writeback.Tracing.Ptrace;

/// <summary>
/// Turns the system calls the <see cref="Tracer"/> stops at into recorded events, through the
/// <see cref="SyscallTable"/>: at entry it resolves the row's path arguments, records the stores
/// made before the call when the call may be recorded, and runs the row's entry decoder; at exit
/// it runs the exit decoder. The decoders, grouped by topic, are the other SyscallDecoder.*.cs files;
/// the names under the directory are a <see cref="ShadowNamespace{TFile}"/>, the stores a
/// <see cref="MappingDiff"/>.
/// </summary>
internal sealed partial class SyscallDecoder
{
    private readonly string _directory;
    private readonly Action<string> _refuse;
    private readonly List<TraceEvent> _events = [];
    private readonly List<TraceFile> _initialFiles = [];
    private readonly ShadowNamespace<ShadowFile> _names = new() { Moved = static (file, path) => file.Path = path };
    private readonly MappingDiff _stores;

    /// <param name="directory">The traced directory, absolute.</param>
    /// <param name="addressSpaces">The address spaces of the traced tasks, for recording stores.</param>
    /// <param name="refuse">Stops the recording with a one-line reason.</param>
    public SyscallDecoder(string directory, Func<IEnumerable<AddressSpace>> addressSpaces, Action<string> refuse)
    {
        _directory = directory;
        _refuse = refuse;
        _stores = new MappingDiff(addressSpaces, _events);
    }

    /// <summary>The recorded events, in order.</summary>
    public IReadOnlyList<TraceEvent> Events => _events;

    /// <summary>The directory's files and subdirectories before the program ran.</summary>
    public IReadOnlyList<TraceFile> InitialFiles => _initialFiles;

    /// <summary>How many system calls the program made (entries seen).</summary>
    public long SystemCallCount { get; private set; }

    /// <summary>Records the stores made to shared mappings since the last recorded call (before an exec or an exit ends them).</summary>
    public void RecordStores() => _stores.Record();

    /// <summary>Records the last stores and releases the recorder's descriptors.</summary>
    public void Finish()
    {
        _stores.Record();
        foreach (var file in _names.Files.Values)
        {
            file.Handle?.Dispose();
        }
    }

    /// <summary>A call's entry: <see cref="TracedTask.Nr"/> and <see cref="TracedTask.Args"/> are set.</summary>
    public void OnEntry(TracedTask task)
    {
        SystemCallCount++;
        var entry = task.Call = SyscallTable.Find(task.Nr);
        task.Paths[0] = task.Paths[1] = null;
        if (entry is null)
        {
            return;
        }
        for (var i = 0; i < entry.Paths.Length; i++)
        {
            var path = entry.Paths[i];
            var dirFd = path.DirectoryFdIndex < 0 ? Interop.Libc.AT_FDCWD : (int)task.Args[path.DirectoryFdIndex];
            task.Paths[i] = path.Index < 0 ? null : ResolvePath(task, dirFd, task.Args[path.Index]);
        }
        RefuseFollowing(task);
        entry.OnEntry?.Invoke(this, task);
        if (_stores.Any && StoresFirst(task, entry))
        {
            _stores.Record();
        }
    }

    /// <summary>A successful call's exit, with its result.</summary>
    public void OnExit(TracedTask task, long result) => task.Call?.OnExit?.Invoke(this, task, result);

    /// <summary>Whether the call at entry may become a recorded event: stores made before it must be recorded before it.</summary>
    private bool StoresFirst(TracedTask task, SyscallEntry entry) => entry.Stores switch
    {
        StoreOrder.Always => true,
        StoreOrder.WhenFdUnder => task.Fds.Get((long)task.Args[entry.FdArgument]) is not null,
        StoreOrder.WhenPathUnder => task.Paths.Any(p => p is not null && IsUnder(p)),
        _ => false,
    };

    /// <summary>io_uring_setup: refused, the operations submitted through a ring are not system calls.</summary>
    public void OnIoUringSetup(TracedTask task) =>
        Refuse($"trace: pid {task.Tid} called io_uring_setup: file operations submitted through io_uring never appear as system calls "
               + "and are not decoded, so the recording is refused rather than missing them (a program built on Writeback: set WRITEBACK_IO_URING=0)");

    private void Refuse(string message) => _refuse(message);

    /// <summary>An 8-byte value in the tracee's memory (openat2's how.flags, clone3's flags), or 0 when it cannot be read.</summary>
    public static ulong ReadUInt64(int tid, ulong address)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        return address != 0 && TraceeMemory.TryRead(tid, address, bytes) ? BitConverter.ToUInt64(bytes) : 0;
    }

    private void Emit(TracedTask task, TraceEventKind kind, string call, string path, string target = "", long offsetBytes = 0,
                      long lengthBytes = 0, int flags = 0, byte[]? data = null) =>
        _events.Add(new TraceEvent(kind, task.Tid, call, path, target, offsetBytes, lengthBytes, flags, data ?? ReadOnlyMemory<byte>.Empty));
}
