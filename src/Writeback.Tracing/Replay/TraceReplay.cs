using Writeback.Simulation.Recording;

namespace Writeback.Tracing.Replay;

/// <summary>
/// Replays a <see cref="Recording"/> through <see cref="IMappedStorage"/> calls, so the simulator
/// records them as it records a C# scenario: the initial files made durable first, then each
/// event as the library call with the same guarantee, described by the program's own call.
/// </summary>
/// <remarks>
/// Names in the storage are the paths relative to DIR: the simulator models the directory tree,
/// and a directory's fsync makes only that directory's entries durable.
/// </remarks>
internal sealed class TraceReplay(Recording recording, IMappedStorage storage, Acknowledgements acknowledged)
{
    /// <summary>The storage's open files and the directories, by path; a file a rename replaces is closed.</summary>
    private readonly ShadowNamespace<IMappedFile> _names = new() { Moved = static (file, path) => { if (path is null) { file.Dispose(); } } };
    /// <summary>The recording storage, when it is the simulator's: its calls are then described by the program's own.</summary>
    private readonly SimulatedStorage? _simulated = storage as SimulatedStorage;
    private long _outputBytes;
    /// <summary>Per symbolic link target string, the simulator's name of the file holding it (<see cref="ImageFiles.SymlinkInodeName"/>).</summary>
    private readonly Dictionary<string, string> _symlinkInodes = new(StringComparer.Ordinal);

    /// <summary>The storage's name of a directory: "" for DIR itself (the recorder's ".").</summary>
    private static string DirectoryName(string path) => path is "." or "" ? "" : path;

    /// <summary>The simulator's storage, for the calls only it models (link).</summary>
    private SimulatedStorage Simulated => _simulated
        ?? throw new NotSupportedException($"Replaying this call needs the simulator's storage ({nameof(SimulatedStorage)}).");

    /// <summary>The storage's directories; subdirectories need a storage that has them.</summary>
    private ISubdirectoryStorage Tree => storage as ISubdirectoryStorage
        ?? throw new NotSupportedException($"Replaying subdirectories needs a storage with directories ({nameof(ISubdirectoryStorage)}, e.g. {nameof(SimulatedStorage)}).");

    /// <summary>Every path a file has under DIR at some point of the recording (renamed directories carry their files): the names an image can hold.</summary>
    public static IReadOnlySet<string> EveryPath(Recording recording)
    {
        var every = new HashSet<string>(StringComparer.Ordinal);
        var names = new ShadowNamespace<string> { Moved = (_, path) => { if (path is not null) { every.Add(path); } } };
        foreach (var path in recording.InitialFiles.Where(f => !f.IsDirectory).Select(f => f.Path))
        {
            names.AddFile(path, path);
            every.Add(path);
        }
        foreach (var e in recording.Events)
        {
            switch (e.Kind)
            {
                case TraceEventKind.Create when names.File(e.Path) is null:
                    names.AddFile(e.Path, e.Path);
                    every.Add(e.Path);
                    break;
                case TraceEventKind.Unlink:
                    names.RemoveFile(e.Path);
                    break;
                case TraceEventKind.Rename:
                    names.Rename(e.Path, e.TargetPath);
                    break;
                case TraceEventKind.Link when names.File(e.TargetPath) is null:
                    names.AddFile(e.TargetPath, e.TargetPath);
                    every.Add(e.TargetPath);
                    break;
                case TraceEventKind.Symlink when names.File(e.Path) is null:
                    names.AddFile(e.Path, e.Path);
                    every.Add(e.Path);
                    break;
            }
        }
        return every;
    }

    public void Run()
    {
        if (_simulated is not null)
        {
            _simulated.SetUpInitialState(SetUpInitialState);
        }
        else
        {
            SetUpInitialState();
        }
        // The initial state is durable by definition: crash points before the program's first call are not the program's.
        _simulated?.EndSetup();
        for (var eventIndex = 0; eventIndex < recording.Events.Count; eventIndex++)
        {
            var e = recording.Events[eventIndex];
            Describe(e.Pid <= 0 ? e.Call : recording.TaskOf(e.Pid) is { } task ? $"{e.Call} in {task.Describe()}" : $"{e.Call} in pid {e.Pid}", eventIndex);
            Apply(e);
        }
        Describe(null);
        foreach (var file in _names.Files.Values.Distinct())
        {
            file.Dispose();
        }
    }

    /// <summary>The files and directories DIR held before the program ran, made durable (as the initial state, under every model).</summary>
    private void SetUpInitialState()
    {
        foreach (var directory in recording.InitialFiles.Where(f => f.IsDirectory).Select(f => f.Path).Order(StringComparer.Ordinal))
        {
            Describe($"initial state: {directory}/");
            Tree.CreateDirectory(directory);
            _names.AddDirectory(directory);
        }
        foreach (var file in recording.InitialFiles.Where(f => !f.IsDirectory))
        {
            Describe($"initial state: {file.Path}");
            var handle = storage.Open(file.Path, new MappedFileOptions { Mode = FileMode.CreateNew, Length = file.Content.Length });
            if (file.Content.Length > 0)
            {
                handle.Write(0, file.Content.Span);
            }
            handle.FlushFile();
            _names.AddFile(file.Path, handle);
        }
        foreach (var (target, index) in recording.Events.Where(e => e.Kind == TraceEventKind.Symlink).Select(e => e.TargetPath).Distinct()
                     .Select((target, index) => (target, index)))
        {
            // One file per distinct target string, named only in the simulator: a symbolic link is a hard link to
            // it, so its target is durable with its name. Images show it as the symbolic link (ImageFiles.Write).
            Describe($"initial state: symbolic link target {target}");
            var name = ImageFiles.SymlinkInodeName(index);
            byte[] content = ImageFiles.SymlinkContent(target);
            var handle = storage.Open(name, new MappedFileOptions { Mode = FileMode.CreateNew, Length = content.Length });
            handle.Write(0, content);
            handle.FlushFile();
            _names.AddFile(name, handle);
            _symlinkInodes[target] = name;
        }
        if (recording.InitialFiles.Count > 0 || _symlinkInodes.Count > 0)
        {
            Describe("initial state: directories");
            FlushEveryDirectory();
        }
    }

    /// <summary>Each recorded call's event index in the recording (what <c>trace show</c> numbers), -1 for the initial state's calls; filled when the storage is a <see cref="SimulatedStorage"/>.</summary>
    public List<int> CallEvents { get; } = [];

    private int _currentEvent = -1;

    /// <summary>Describes the calls recorded from now on by the program's own call (crash points are then named by it), event <paramref name="eventIndex"/> of the recording.</summary>
    private void Describe(string? text, int eventIndex = -1)
    {
        if (_simulated is not null)
        {
            while (CallEvents.Count < _simulated.CallCount)
            {
                CallEvents.Add(_currentEvent);
            }
            _simulated.CallDescription = text;
        }
        _currentEvent = eventIndex;
    }

    private void Apply(TraceEvent e)
    {
        switch (e.Kind)
        {
            case TraceEventKind.Create:
                _names.AddFile(e.Path, storage.Open(e.Path, new MappedFileOptions { Mode = FileMode.CreateNew }));
                break;
            case TraceEventKind.SetLength when File(e) is { } file:
                file.SetLength(e.OffsetBytes);
                break;
            case TraceEventKind.Write when File(e) is { } file:
                if (e.OffsetBytes + e.Data.Length > file.Length)
                {
                    file.SetLength(e.OffsetBytes + e.Data.Length);
                }
                file.Write(e.OffsetBytes, e.Data.Span);
                break;
            case TraceEventKind.Store when File(e) is { } file && e.OffsetBytes < file.Length:
                var count = (int)Math.Min(e.Data.Length, file.Length - e.OffsetBytes);
                e.Data.Span[..count].CopyTo(file.GetSpan(e.OffsetBytes, count));
                break;
            case TraceEventKind.Output:
                _outputBytes += e.Data.Length;
                acknowledged.Add(_outputBytes);
                break;
            default:
                ApplyDurability(e);
                break;
        }
    }

    private void ApplyDurability(TraceEvent e)
    {
        switch (e.Kind)
        {
            case TraceEventKind.Msync when (e.Flags & Interop.Libc.MS_SYNC) != 0 && File(e) is { } file:
                As(ModelCall.MsyncRangeSync, () => FlushRange(file, e.OffsetBytes, e.LengthBytes, file.Flush));
                break;
            case TraceEventKind.Msync when (e.Flags & Interop.Libc.MS_ASYNC) != 0 && File(e) is { } file:
                As(ModelCall.MsyncRangeAsync, () => FlushRange(file, e.OffsetBytes, e.LengthBytes, file.StartWriteback));
                break;
            case TraceEventKind.SyncWrite when File(e) is { } file:
                // Recordings made before the recorder told O_SYNC from O_DSYNC carry no flags: the weaker O_DSYNC.
                As((e.Flags & O_SYNC) == O_SYNC ? ModelCall.OSyncWrite : ModelCall.ODsyncWrite,
                   () => FlushRange(file, e.OffsetBytes, e.LengthBytes, file.Flush));
                break;
            case TraceEventKind.SyncFileRange when File(e) is { } file:
                As(SyncFileRangeCall(e.Flags), () => FlushRange(file, e.OffsetBytes, e.LengthBytes == 0 ? long.MaxValue / 2 : e.LengthBytes, file.StartWriteback));
                break;
            case TraceEventKind.Fsync when File(e) is { } file:
                As(ModelCall.Fsync, file.FlushFile);
                break;
            case TraceEventKind.Fdatasync when File(e) is { } file:
                As(ModelCall.Fdatasync, file.Flush);
                break;
            case TraceEventKind.FsyncDirectory when DirectoryName(e.Path).Length == 0:
                As(ModelCall.DirectoryFsync, storage.FlushDirectory);
                break;
            case TraceEventKind.FsyncDirectory when _names.IsDirectory(e.Path):
                As(ModelCall.DirectoryFsync, () => Tree.FlushDirectory(e.Path));
                break;
            case TraceEventKind.SyncAll:
                As(ModelCall.Sync, () =>
                {
                    foreach (var file in _names.Files.Values)
                    {
                        file.FlushFile();
                    }
                    FlushEveryDirectory();
                });
                break;
            default:
                ApplyName(e);
                break;
        }
    }

    /// <summary>O_SYNC as open(2) defines it (it includes the O_DSYNC bit); the recorder stores it in a SyncWrite's flags.</summary>
    private const int O_SYNC = 0x101000;

    /// <summary>sync_file_range(2)'s flags: SYNC_FILE_RANGE_WAIT_BEFORE 1, SYNC_FILE_RANGE_WRITE 2, SYNC_FILE_RANGE_WAIT_AFTER 4.</summary>
    private static ModelCall SyncFileRangeCall(int flags) => (flags & 2) == 0 ? ModelCall.SyncFileRangeWait
        : (flags & 4) != 0 ? ModelCall.SyncFileRangeWriteAndWait : ModelCall.SyncFileRangeWrite;

    /// <summary>Runs <paramref name="replay"/> with its recorded calls judged as the program's own <paramref name="call"/> by every model.</summary>
    private void As(ModelCall call, Action replay)
    {
        if (_simulated is not null)
        {
            _simulated.ModelCall = call;
        }
        try
        {
            replay();
        }
        finally
        {
            if (_simulated is not null)
            {
                _simulated.ModelCall = null;
            }
        }
    }

    /// <summary>sync/syncfs: every directory, subdirectories first (each fsync makes only its own entries durable).</summary>
    private void FlushEveryDirectory()
    {
        foreach (var directory in _names.Subdirectories.OrderByDescending(d => d.Length))
        {
            Tree.FlushDirectory(directory);
        }
        storage.FlushDirectory();
    }

    private void ApplyName(TraceEvent e)
    {
        switch (e.Kind)
        {
            case TraceEventKind.Rename when _names.File(e.Path) is not null || _names.IsDirectory(e.Path):
                storage.Rename(e.Path, e.TargetPath);
                _names.Rename(e.Path, e.TargetPath);
                break;
            case TraceEventKind.Unlink when _names.RemoveFile(e.Path) is { } removed:
                storage.Delete(e.Path);
                if (_names.PathOf(removed) is null)
                {
                    removed.Dispose(); // its last name: a hard-linked file stays open under its other name
                }
                break;
            case TraceEventKind.Link when _names.File(e.Path) is { } linked && _names.File(e.TargetPath) is null:
                Simulated.Link(e.Path, e.TargetPath);
                _names.AddFile(e.TargetPath, linked);
                break;
            case TraceEventKind.Symlink when _names.File(e.Path) is null && _names.File(_symlinkInodes[e.TargetPath]) is { } inode:
                Simulated.Link(_symlinkInodes[e.TargetPath], e.Path);
                _names.AddFile(e.Path, inode);
                break;
            case TraceEventKind.Mkdir:
                Tree.CreateDirectory(e.Path);
                _names.AddDirectory(e.Path);
                break;
            case TraceEventKind.Rmdir when _names.RemoveDirectory(e.Path):
                Tree.RemoveDirectory(e.Path);
                break;
        }
    }

    private IMappedFile? File(TraceEvent e) => _names.File(e.Path);

    /// <summary>A range call on the page-rounded range, cut at the file's end (the kernel flushes only what exists); nothing for an empty range.</summary>
    private static void FlushRange(IMappedFile file, long offsetBytes, long lengthBytes, Action<long, long> flush)
    {
        var pageSizeBytes = file.PageSize;
        var start = Math.Min(Pages.RoundDown(offsetBytes, pageSizeBytes), file.Length);
        var end = Math.Min(Pages.RoundUp(offsetBytes + lengthBytes, pageSizeBytes), file.Length);
        if (end > start)
        {
            flush(start, end - start);
        }
    }
}
