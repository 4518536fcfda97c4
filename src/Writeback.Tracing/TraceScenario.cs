using System.Collections.Concurrent;
using Writeback.Simulation.Storage;
using Writeback.Tracing.Replay;

namespace Writeback.Tracing;

/// <summary>
/// A recorded program as an <see cref="ICrashScenario"/>: <see cref="Run"/> replays the recording
/// through the storage's calls; <see cref="Check"/> writes the post-crash image to a real
/// directory and runs the user's checker on it. The checker runs once per distinct image and
/// acknowledged output, across crash kinds and models; later states with the same pair reuse its verdict.
/// </summary>
public sealed partial class TraceScenario : ICrashScenario, IDescribesRecording
{
    private readonly Recording _recording;
    private readonly Recording _original;
    private readonly int[] _eventNumbers;
    private readonly CheckerOptions _checker;
    private readonly byte[] _output;
    private readonly string[] _names;
    private readonly ConcurrentDictionary<(string Image, long OutputBytes), Lazy<string?>> _verdicts = new();
    private int _setupCallCount;
    private IReadOnlyList<string> _callNames = [];
    private IReadOnlyList<int> _callEvents = [];
    private long _checkerRuns;
    private TraceException? _fatal;

    /// <summary>Creates the scenario.</summary>
    /// <param name="recording">The recording to replay.</param>
    /// <param name="checker">The checker command.</param>
    public TraceScenario(Recording recording, CheckerOptions checker)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(checker);
        _original = recording;
        _recording = checker.IgnoredPaths.Count == 0 ? recording : Without(recording, checker.IgnoredPaths);
        // Events keep the numbers of the recording as saved (trace show), ignored paths or not.
        _eventNumbers = [.. recording.Events.Select((e, index) => (e, index)).Where(x => _recording.Events.Count == recording.Events.Count || !IsIgnored(x.e, checker.IgnoredPaths)).Select(x => x.index)];
        recording = _recording;
        _checker = checker;
        _output = recording.StandardOutput();
        _names = [.. TraceReplay.EveryPath(recording)];
    }

    /// <summary>
    /// The scenario's name in reports: <see cref="CheckerOptions.ScenarioName"/> when given, else the
    /// program a user thinks of (<c>app.py</c> for <c>python3 app.py</c>), else the program's file name.
    /// </summary>
    public string Name => _checker.ScenarioName ?? NameOf(_recording);

    /// <summary>The model being explored, passed to the checker as <c>WRITEBACK_MODEL</c>; set it before each exploration.</summary>
    public KernelModel? Model { get; set; }

    /// <summary>How many times the checker command has run.</summary>
    public long CheckerRuns => Interlocked.Read(ref _checkerRuns);

    /// <summary>How many distinct (image, acknowledged output) pairs have been judged.</summary>
    public int DistinctImages => _verdicts.Count;

    /// <summary>
    /// Throws the first error that made checking impossible (the checker hung past its timeout,
    /// was killed by a signal, or could not start). The explorer reports an exception from a
    /// checker as a failing state; call this after each exploration so such a run ends as an error.
    /// </summary>
    /// <exception cref="TraceException">The checker failed to run.</exception>
    public void ThrowIfCheckerFailed()
    {
        if (_fatal is { } fatal)
        {
            throw new TraceException(fatal.Message, fatal);
        }
    }

    /// <inheritdoc/>
    public void Run(IMappedStorage storage, Acknowledgements acknowledged)
    {
        var replay = new TraceReplay(_recording, storage, acknowledged);
        replay.Run();
        _setupCallCount = replay.SetupCallCount;
        _callNames = replay.CallNames;
        _callEvents = replay.CallEvents;
    }

    /// <inheritdoc/>
    public CheckResult Check(IMappedStorage recovered, CrashContext context)
    {
        ArgumentNullException.ThrowIfNull(recovered);
        ArgumentNullException.ThrowIfNull(context);
        if (_fatal is { } fatal)
        {
            return CheckResult.Fail(fatal.Message); // The run is over; ThrowIfCheckerFailed reports it.
        }
        if (context.CrashPointIndex < _setupCallCount)
        {
            return CheckResult.Ok; // Before the program started: the initial state is durable by definition.
        }
        var image = ReadImage(recovered);
        var outputBytes = context.Acknowledged.Count == 0 ? 0 : context.Acknowledged[^1];
        // Lazy: two workers meeting the same image at once run the checker once.
        var message = _verdicts.GetOrAdd((ImageFiles.Fingerprint(image), outputBytes), _ => new Lazy<string?>(() => RunChecker(image, outputBytes, context))).Value;
        return message is null ? CheckResult.Ok : CheckResult.Fail(message);
    }

    /// <summary>What the program wrote to standard output before a crash point with this acknowledgement.</summary>
    /// <param name="outputBytes">The last acknowledged value (a byte count).</param>
    /// <returns>The bytes.</returns>
    public ReadOnlySpan<byte> OutputBefore(long outputBytes) => _output.AsSpan(0, (int)Math.Min(outputBytes, _output.Length));

    /// <summary>Crash point i in words, as the checker's <c>WRITEBACK_CRASH_POINT</c>: <c>i after #E CALL</c>, named by the last recorded event before it.</summary>
    private string CrashPointName(int crashPointIndex) => $"{crashPointIndex} {DescribeCrashPoint(crashPointIndex, "")}";

    /// <summary>The recording without the events and initial files of ignored paths.</summary>
    private static Recording Without(Recording recording, IReadOnlyList<string> ignored) =>
        new(recording.Program, recording.Arguments, recording.Directory,
            [.. recording.InitialFiles.Where(f => !IsIgnored(f.Path, ignored))],
            [.. recording.Events.Where(e => !IsIgnored(e, ignored))],
            recording.SystemCallCount);

    private static bool IsIgnored(TraceEvent e, IReadOnlyList<string> ignored) => IsIgnored(e.Path, ignored) || IsIgnored(e.TargetPath, ignored);

    private static bool IsIgnored(string path, IReadOnlyList<string> ignored) =>
        path.Length > 0 && ignored.Any(glob => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(glob, path, ignoreCase: false));

    private SortedDictionary<string, byte[]> ReadImage(IMappedStorage recovered)
    {
        var image = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        IEnumerable<string> paths = _names;
        if (recovered is MemoryStorage memory)
        {
            foreach (var directory in memory.Directories.Keys)
            {
                image[directory + "/"] = []; // a surviving directory, empty or not (ImageFiles.Write creates it)
            }
            paths = memory.Names.Keys.ToList();
        }
        foreach (var path in paths)
        {
            if (!recovered.Exists(path))
            {
                continue;
            }
            using var file = recovered.Open(path, new MappedFileOptions { Mode = FileMode.Open, Access = FileAccess.Read });
            var bytes = new byte[file.Length];
            file.Read(0, bytes);
            image[path] = bytes;
        }
        return image;
    }

    private static void Materialise(SortedDictionary<string, byte[]> image, string directory) => ImageFiles.Write(image, directory, []);

    private string? RunRecordingFatal(IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            return CheckerRun.Run(_checker, environment);
        }
        catch (TraceException e)
        {
            Interlocked.CompareExchange(ref _fatal, e, null);
            throw;
        }
    }

    private string? RunChecker(SortedDictionary<string, byte[]> image, long outputBytes, CrashContext context)
    {
        var root = Path.Combine(Path.GetTempPath(), $"writeback-image-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var imageDirectory = Path.Combine(root, "image");
            Materialise(image, imageDirectory);
            var outputFile = Path.Combine(root, "output");
            File.WriteAllBytes(outputFile, OutputBefore(outputBytes).ToArray());
            Interlocked.Increment(ref _checkerRuns);
            return RunRecordingFatal(new Dictionary<string, string>
            {
                ["WRITEBACK_IMAGE"] = imageDirectory,
                ["WRITEBACK_OUTPUT"] = outputFile,
                ["WRITEBACK_MODEL"] = Model?.Name ?? "",
                ["WRITEBACK_CRASH_KIND"] = context.Kind.ToString(),
                ["WRITEBACK_CRASH_POINT"] = CrashPointName(context.CrashPointIndex),
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
