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
    private readonly Dictionary<string, IMappedFile> _files = new(StringComparer.Ordinal);
    private readonly SimulatedStorage? _simulated = storage as SimulatedStorage;
    private readonly List<string> _directories = [];
    private long _outputBytes;

    /// <summary>How many calls the initial state took: crash points before it are not the program's.</summary>
    public int SetupCallCount { get; private set; }

    /// <summary>The storage's name of a directory: "" for DIR itself (the recorder's ".").</summary>
    private static string DirectoryName(string path) => path is "." or "" ? "" : path;

    private SimulatedStorage Simulated => _simulated
        ?? throw new NotSupportedException("Replaying subdirectories needs the simulator's storage (SimulatedStorage).");

    /// <summary>Every path a file has under DIR at some point of the recording (renamed directories carry their files): the names an image can hold.</summary>
    public static IReadOnlySet<string> EveryPath(Recording recording)
    {
        var current = recording.InitialFiles.Where(f => !f.IsDirectory).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var every = new HashSet<string>(current, StringComparer.Ordinal);
        foreach (var e in recording.Events)
        {
            switch (e.Kind)
            {
                case TraceEventKind.Create:
                    current.Add(e.Path);
                    every.Add(e.Path);
                    break;
                case TraceEventKind.Unlink:
                    current.Remove(e.Path);
                    break;
                case TraceEventKind.Rename:
                    foreach (var path in Under(current, e.Path))
                    {
                        current.Remove(path);
                        current.Add(e.TargetPath + path[e.Path.Length..]);
                        every.Add(e.TargetPath + path[e.Path.Length..]);
                    }
                    break;
            }
        }
        return every;
    }

    /// <summary>The path itself and every path below it, as a list (the set may change while it is used).</summary>
    private static List<string> Under(IEnumerable<string> paths, string path) =>
        [.. paths.Where(p => p == path || p.StartsWith(path + "/", StringComparison.Ordinal))];

    public void Run()
    {
        foreach (var directory in recording.InitialFiles.Where(f => f.IsDirectory).Select(f => f.Path).Order(StringComparer.Ordinal))
        {
            Describe($"initial state: {directory}/");
            Simulated.CreateDirectory(directory);
            _directories.Add(directory);
            SetupCallCount++;
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
            _files[file.Path] = handle;
            SetupCallCount += file.Content.Length > 0 ? 3 : 2; // Open (with its length), Write, FlushFile
        }
        if (SetupCallCount > 0)
        {
            Describe("initial state: directories");
            FlushEveryDirectory();
            SetupCallCount += 1 + _directories.Count;
        }
        for (var eventIndex = 0; eventIndex < recording.Events.Count; eventIndex++)
        {
            var e = recording.Events[eventIndex];
            Describe(e.Pid > 0 ? $"{e.Call} in pid {e.Pid}" : e.Call, eventIndex);
            Apply(e);
        }
        Describe(null);
        foreach (var file in _files.Values)
        {
            file.Dispose();
        }
    }

    /// <summary>Each recorded call's description (the program's call), by call index; filled when the storage is a <see cref="SimulatedStorage"/>.</summary>
    public List<string> CallNames { get; } = [];

    /// <summary>Each recorded call's event index in the recording (what <c>trace show</c> numbers), -1 for the initial state's calls.</summary>
    public List<int> CallEvents { get; } = [];

    private int _currentEvent = -1;

    private void Describe(string? text, int eventIndex = -1)
    {
        if (_simulated is null)
        {
            return;
        }
        while (CallNames.Count < _simulated.CallCount)
        {
            CallNames.Add(_simulated.CallDescription ?? "");
            CallEvents.Add(_currentEvent);
        }
        _simulated.CallDescription = text;
        _currentEvent = eventIndex;
    }

    private void Apply(TraceEvent e)
    {
        switch (e.Kind)
        {
            case TraceEventKind.Create:
                _files[e.Path] = storage.Open(e.Path, new MappedFileOptions { Mode = FileMode.CreateNew });
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
            case TraceEventKind.Msync when (e.Flags & 4) != 0 && File(e) is { } file:
                FlushRange(file, e.OffsetBytes, e.LengthBytes, file.Flush);
                break;
            case TraceEventKind.SyncWrite when File(e) is { } file:
                FlushRange(file, e.OffsetBytes, e.LengthBytes, file.Flush);
                break;
            case TraceEventKind.SyncFileRange when File(e) is { } file:
                FlushRange(file, e.OffsetBytes, e.LengthBytes == 0 ? long.MaxValue / 2 : e.LengthBytes, file.StartWriteback);
                break;
            case TraceEventKind.Fsync when File(e) is { } file:
                file.FlushFile();
                break;
            case TraceEventKind.Fdatasync when File(e) is { } file:
                file.Flush();
                break;
            case TraceEventKind.FsyncDirectory when DirectoryName(e.Path).Length == 0:
                storage.FlushDirectory();
                break;
            case TraceEventKind.FsyncDirectory when _directories.Contains(e.Path):
                Simulated.FlushDirectory(e.Path);
                break;
            case TraceEventKind.SyncAll:
                foreach (var file in _files.Values)
                {
                    file.FlushFile();
                }
                FlushEveryDirectory();
                break;
            default:
                ApplyName(e);
                break;
        }
    }

    /// <summary>sync/syncfs: every directory, subdirectories first (each fsync makes only its own entries durable).</summary>
    private void FlushEveryDirectory()
    {
        foreach (var directory in _directories.OrderByDescending(d => d.Length))
        {
            Simulated.FlushDirectory(directory);
        }
        storage.FlushDirectory();
    }

    private void ApplyName(TraceEvent e)
    {
        switch (e.Kind)
        {
            case TraceEventKind.Rename when _files.ContainsKey(e.Path) || _directories.Contains(e.Path):
                storage.Rename(e.Path, e.TargetPath);
                MoveUnder(e.Path, e.TargetPath);
                break;
            case TraceEventKind.Unlink when _files.Remove(e.Path, out var removed):
                storage.Delete(e.Path);
                removed.Dispose();
                break;
            case TraceEventKind.Mkdir:
                Simulated.CreateDirectory(e.Path);
                _directories.Add(e.Path);
                break;
            case TraceEventKind.Rmdir when _directories.Remove(e.Path):
                Simulated.RemoveDirectory(e.Path);
                break;
        }
    }

    /// <summary>The replay's own handles and directory list follow a rename (a directory carries everything under it).</summary>
    private void MoveUnder(string source, string target)
    {
        if (_files.Remove(target, out var replaced))
        {
            replaced.Dispose();
        }
        _directories.Remove(target); // an empty directory a directory rename replaced
        foreach (var path in Under(_files.Keys, source))
        {
            _files.Remove(path, out var moved);
            _files[target + path[source.Length..]] = moved!;
        }
        foreach (var path in Under(_directories, source))
        {
            _directories.Remove(path);
            _directories.Add(target + path[source.Length..]);
        }
    }

    private IMappedFile? File(TraceEvent e) => _files.GetValueOrDefault(e.Path);

    /// <summary>A range call on the page-rounded range, cut at the file's end (the kernel flushes only what exists); nothing for an empty range.</summary>
    private static void FlushRange(IMappedFile file, long offsetBytes, long lengthBytes, Action<long, long> flush)
    {
        var pageSizeBytes = file.PageSize;
        var start = Math.Min(offsetBytes / pageSizeBytes * pageSizeBytes, file.Length);
        var end = Math.Min((offsetBytes + lengthBytes + pageSizeBytes - 1) / pageSizeBytes * pageSizeBytes, file.Length);
        if (end > start)
        {
            flush(start, end - start);
        }
    }
}
