namespace Writeback.Tracing.Replay;

/// <summary>
/// Replays a <see cref="Recording"/> through <see cref="IMappedStorage"/> calls, so the simulator
/// records them as it records a C# scenario: the initial files made durable first, then each
/// event as the library call with the same guarantee, described by the program's own call.
/// </summary>
/// <remarks>
/// Names in the storage are flat: a path <c>a/b</c> is stored as <c>a∕b</c> (U+2215), and every
/// directory fsync makes every name durable (one directory is modelled).
/// </remarks>
internal sealed class TraceReplay(Recording recording, IMappedStorage storage, Acknowledgements acknowledged)
{
    private const char Separator = '\u2215';
    private readonly Dictionary<string, IMappedFile> _files = new(StringComparer.Ordinal);
    private readonly SimulatedStorage? _simulated = storage as SimulatedStorage;
    private long _outputBytes;

    /// <summary>How many calls the initial state took: crash points before it are not the program's.</summary>
    public int SetupCallCount { get; private set; }

    public static string StorageName(string path) => path.Replace('/', Separator);

    public static string PathOf(string storageName) => storageName.Replace(Separator, '/');

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
        foreach (var file in recording.InitialFiles.Where(f => !f.IsDirectory))
        {
            Describe($"initial state: {file.Path}");
            var handle = storage.Open(StorageName(file.Path), new MappedFileOptions { Mode = FileMode.CreateNew, Length = file.Content.Length });
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
            Describe("initial state: directory");
            storage.FlushDirectory();
            SetupCallCount++;
        }
        foreach (var e in recording.Events)
        {
            Describe(e.Pid > 0 ? $"{e.Call} in pid {e.Pid}" : e.Call);
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

    private void Describe(string? text)
    {
        if (_simulated is null)
        {
            return;
        }
        while (CallNames.Count < _simulated.CallCount)
        {
            CallNames.Add(_simulated.CallDescription ?? "");
        }
        _simulated.CallDescription = text;
    }

    private void Apply(TraceEvent e)
    {
        switch (e.Kind)
        {
            case TraceEventKind.Create:
                _files[e.Path] = storage.Open(StorageName(e.Path), new MappedFileOptions { Mode = FileMode.CreateNew });
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
            case TraceEventKind.FsyncDirectory:
                storage.FlushDirectory();
                break;
            case TraceEventKind.SyncAll:
                foreach (var file in _files.Values)
                {
                    file.FlushFile();
                }
                storage.FlushDirectory();
                break;
            default:
                ApplyName(e);
                break;
        }
    }

    private void ApplyName(TraceEvent e)
    {
        switch (e.Kind)
        {
            case TraceEventKind.Rename:
                foreach (var path in Under(_files.Keys, e.Path))
                {
                    var target = e.TargetPath + path[e.Path.Length..];
                    storage.Rename(StorageName(path), StorageName(target));
                    _files.Remove(target, out var replaced);
                    replaced?.Dispose();
                    _files.Remove(path, out var moved);
                    _files[target] = moved!;
                }
                break;
            case TraceEventKind.Unlink when _files.Remove(e.Path, out var removed):
                storage.Delete(StorageName(e.Path));
                removed.Dispose();
                break;
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
