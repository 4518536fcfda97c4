using System.Collections.Concurrent;
using Writeback.Processes;
using Writeback.Tracing.Replay;

namespace Writeback.Tracing;

/// <summary>
/// A recorded program as an <see cref="ICrashScenario"/>: <see cref="Run"/> replays the recording
/// through the storage's calls; <see cref="Check"/> writes the post-crash image to a real
/// directory and runs the user's checker on it. The checker sees the model, the crash kind and the
/// crash point's name (<c>WRITEBACK_MODEL</c>, <c>WRITEBACK_CRASH_KIND</c>, <c>WRITEBACK_CRASH_POINT</c>),
/// and its verdict is reused, by the explorer, for every later state with the same image,
/// acknowledged output, crash kind and model: the crash point it names is the first one the image
/// was met at (the verdict must not depend on it).
/// </summary>
public sealed partial class TraceScenario : ICrashScenario, IDescribesRecording
{
    private readonly Recording _recording;
    private readonly Recording _original;
    private readonly int[] _eventNumbers;
    private readonly CheckerOptions _checker;
    private readonly byte[] _output;
    private readonly string[] _names;
    private readonly ConcurrentDictionary<(string Image, long OutputBytes), bool> _judged = new();
    /// <summary>Verdicts by image content (SHA-256), acknowledged output and, unless the checker judges the image alone, crash kind and model: null for a pass.</summary>
    private readonly ConcurrentDictionary<(string Image, long OutputBytes, string Context), Lazy<string?>> _verdicts = new();
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

    /// <summary>The checker: its command, time limit and working directory.</summary>
    public CheckerOptions Checker => _checker;

    /// <summary>How many times the checker command has run.</summary>
    public long CheckerRuns => Interlocked.Read(ref _checkerRuns);

    /// <summary>How many distinct (image, acknowledged output) pairs the checker has judged (under any crash kind and model).</summary>
    public int DistinctImages => _judged.Count;

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
        SortedDictionary<string, byte[]> image = ReadImage(recovered);
        long outputBytes = context.Acknowledged.Count == 0 ? 0 : context.Acknowledged[^1];
        string fingerprint = ImageFiles.Fingerprint(image);
        _judged.TryAdd((fingerprint, outputBytes), true);
        // The same bytes with the same output (and context, unless the checker judges the image alone)
        // get the same verdict: the checker runs once per distinct content, whichever crash point,
        // page versions or (for an image-only checker) crash kind and model led to it. Lazy: two
        // threads meeting the same image run the checker once.
        (string fingerprint, long outputBytes, string) key = (fingerprint, outputBytes, _checker.VerdictDependsOnContext ? $"{context.Kind}/{context.Model.Name}" : "");
        string? message = _verdicts.GetOrAdd(key, _ => new Lazy<string?>(() => RunChecker(image, outputBytes, context))).Value;
        return message is null ? CheckResult.Ok : CheckResult.Fail(message);
    }

    /// <summary>What the program wrote to standard output before a crash point with this acknowledgement.</summary>
    /// <param name="outputBytes">The last acknowledged value (a byte count).</param>
    /// <returns>The bytes.</returns>
    public ReadOnlySpan<byte> OutputBefore(long outputBytes) => _output.AsSpan(0, (int)Math.Min(outputBytes, _output.Length));

    /// <summary>The recording without the events and initial files of ignored paths.</summary>
    private static Recording Without(Recording recording, IReadOnlyList<string> ignored) =>
        new(recording.Program, recording.Arguments, recording.Directory,
            [.. recording.InitialFiles.Where(f => !IsIgnored(f.Path, ignored))],
            [.. recording.Events.Where(e => !IsIgnored(e, ignored))],
            recording.SystemCallCount, recording.Tasks);

    private static bool IsIgnored(TraceEvent e, IReadOnlyList<string> ignored) =>
        IsIgnored(e.Path, ignored) || (e.Kind != TraceEventKind.Symlink && IsIgnored(e.TargetPath, ignored)); // a symlink's target is a string, not a name

    private static bool IsIgnored(string path, IReadOnlyList<string> ignored) =>
        path.Length > 0 && ignored.Any(glob => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(glob, path, ignoreCase: false));

    private SortedDictionary<string, byte[]> ReadImage(IMappedStorage recovered)
    {
        var image = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        IEnumerable<string> paths = _names; // every name a file ever had: for a storage without directories, ask each
        if (recovered is ISubdirectoryStorage tree)
        {
            var files = new List<string>();
            ListTree(tree, "", files, image);
            paths = files;
        }
        foreach (string path in paths)
        {
            if (!recovered.Exists(path))
            {
                continue;
            }
            using IMappedFile file = recovered.Open(path, new MappedFileOptions { Mode = FileMode.Open, Access = FileAccess.Read });
            byte[] bytes = new byte[file.Length];
            file.Read(0, bytes);
            image[path] = bytes;
        }
        return image;
    }

    /// <summary>Every file under <paramref name="directory"/> into <paramref name="files"/>, and every directory into <paramref name="image"/> as <c>PATH/</c>.</summary>
    private static void ListTree(ISubdirectoryStorage tree, string directory, List<string> files, SortedDictionary<string, byte[]> image)
    {
        foreach (string name in tree.ListDirectory(directory))
        {
            string path = directory.Length == 0 ? name : directory + "/" + name;
            if (tree.DirectoryExists(path))
            {
                image[path + "/"] = []; // a surviving directory, empty or not (ImageFiles.Write creates it)
                ListTree(tree, path, files, image);
            }
            else
            {
                files.Add(path);
            }
        }
    }

    private static void Materialise(SortedDictionary<string, byte[]> image, string directory) => ImageFiles.Write(image, directory, []);

    /// <summary>
    /// The checker's environment: the image, the output and the crash point, and the model and crash
    /// kind only for a checker that declared it uses them (<see cref="CheckerOptions.VerdictDependsOnContext"/>).
    /// </summary>
    internal static Dictionary<string, string> CheckerEnvironment(CheckerOptions checker, string imageDirectory, string outputFile,
                                                                  string modelName, CrashKind kind, string crashPointName)
    {
        var environment = new Dictionary<string, string>
        {
            ["WRITEBACK_IMAGE"] = imageDirectory,
            ["WRITEBACK_OUTPUT"] = outputFile,
            ["WRITEBACK_CRASH_POINT"] = crashPointName,
        };
        if (checker.VerdictDependsOnContext)
        {
            environment["WRITEBACK_MODEL"] = modelName;
            environment["WRITEBACK_CRASH_KIND"] = kind.ToString();
        }
        return environment;
    }

    private string? RunRecordingFatal(IReadOnlyDictionary<string, string> environment, string place)
    {
        try
        {
            return CheckerCommand.Run(_checker.Command, environment, _checker.WorkingDirectory, _checker.Timeout, place,
                                      message => new TraceException("trace: " + message)).Failure;
        }
        catch (TraceException e)
        {
            Interlocked.CompareExchange(ref _fatal, e, null);
            throw;
        }
    }

    private string? RunChecker(SortedDictionary<string, byte[]> image, long outputBytes, CrashContext context)
    {
        string root = Path.Combine(Path.GetTempPath(), $"writeback-image-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            string imageDirectory = Path.Combine(root, "image");
            Materialise(image, imageDirectory);
            string outputFile = Path.Combine(root, "output");
            File.WriteAllBytes(outputFile, OutputBefore(outputBytes).ToArray());
            Interlocked.Increment(ref _checkerRuns);
            string? failure = RunRecordingFatal(CheckerEnvironment(_checker, imageDirectory, outputFile, context.Model.Name, context.Kind, context.CrashPointName),
                                                $"{context.CrashPointName} ({context.Model.Name}, {context.Kind})");
            return failure is not null && !_checker.VerdictDependsOnContext
                   && (failure.Contains("WRITEBACK_MODEL", StringComparison.Ordinal) || failure.Contains("WRITEBACK_CRASH_KIND", StringComparison.Ordinal))
                ? failure + " (WRITEBACK_MODEL and WRITEBACK_CRASH_KIND are set only for a checker run with --checker-uses-context)"
                : failure;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
