using System.Diagnostics;
using System.Text.Json;

namespace Writeback.Tracing.Corpus;

/// <summary>
/// Builds, sets up and records corpus entries (<c>writeback corpus record</c>): each trace is saved as
/// <c>OUT/NAME.trace</c>, replayable without the program, and <c>OUT/manifest.json</c> says what
/// recorded it (program versions, kernel, date, file system).
/// </summary>
public static class CorpusRecorder
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);
    private static readonly string[] RefusalMarks = ["not modelled", "not recorded", "io_uring", "x86_64"];

    /// <summary>Runs an entry's build (when it has one) into its build directory.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="buildDirectory">The entry's build directory (created).</param>
    /// <returns>Null on success, else one line saying what failed.</returns>
    public static string? Build(CorpusEntry entry, string buildDirectory)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Directory.CreateDirectory(buildDirectory);
        if (entry.Build is null)
        {
            return null;
        }
        (int exitCode, string output) = CorpusTools.Shell(entry.Expand(entry.Build, buildDirectory), entry.Folder, StepTimeout);
        return exitCode == 0 ? null : $"build '{entry.Build}' exited with {exitCode}: {LastLine(output)}";
    }

    /// <summary>Builds, sets up and records one entry; never throws for a missing command, a refused call or a failing program.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="outDirectory">Where NAME.trace goes (created).</param>
    /// <param name="buildRoot">The parent of every entry's build directory.</param>
    /// <param name="timeout">How long the traced program may run.</param>
    /// <returns>What happened.</returns>
    public static CorpusRecordResult Record(CorpusEntry entry, string outDirectory, string buildRoot, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var clock = Stopwatch.StartNew();
        CorpusRecordResult Outcome(CorpusRecordStatus status, string reason) =>
            new(entry.Name, entry.Engine, status, reason, null, 0, 0, 0, clock.Elapsed, null, null);

        string[] missing = [.. entry.Requires.Where(c => CorpusTools.Find(c) is null)];
        if (missing.Length > 0)
        {
            return Outcome(CorpusRecordStatus.Skipped, $"needs {string.Join(", ", missing)}, not found on PATH");
        }
        string buildDirectory = Path.Combine(Path.GetFullPath(buildRoot), entry.Name);
        if (Build(entry, buildDirectory) is { } buildError)
        {
            return Outcome(CorpusRecordStatus.Failed, buildError);
        }
        string data = Directory.CreateTempSubdirectory($"writeback-corpus-{entry.Name}-").FullName;
        try
        {
            if (entry.Setup is not null)
            {
                (int exitCode, string output) = CorpusTools.Shell(entry.Expand(entry.Setup, buildDirectory), data, StepTimeout);
                if (exitCode != 0)
                {
                    return Outcome(CorpusRecordStatus.Failed, $"setup '{entry.Setup}' exited with {exitCode}: {LastLine(output)}");
                }
            }
            Recording recording;
            try
            {
                recording = TraceRecorder.Record(new RecorderOptions
                {
                    Directory = data,
                    Program = entry.Expand(entry.Run[0], buildDirectory),
                    Arguments = [.. entry.Run.Skip(1).Select(a => entry.Expand(a, buildDirectory))],
                    Timeout = timeout,
                });
            }
            catch (TraceException e)
            {
                bool refused = RefusalMarks.Any(m => e.Message.Contains(m, StringComparison.Ordinal));
                return Outcome(refused ? CorpusRecordStatus.Skipped : CorpusRecordStatus.Failed, (refused ? "the recorder refuses it: " : "") + e.Message);
            }
            Directory.CreateDirectory(outDirectory);
            string tracePath = Path.Combine(outDirectory, entry.Name + ".trace");
            using (FileStream stream = File.Create(tracePath))
            {
                recording.Save(stream);
            }
            return new CorpusRecordResult(entry.Name, entry.Engine, CorpusRecordStatus.Recorded, null, tracePath, new FileInfo(tracePath).Length,
                                          recording.Events.Count, recording.SystemCallCount, clock.Elapsed, Version(entry, buildDirectory), FileSystemOf(data));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Writes OUT/manifest.json: the machine (kernel, date) and, per entry, its status, program version, file system and trace.</summary>
    /// <param name="results">The entries' outcomes.</param>
    /// <param name="outDirectory">The output directory.</param>
    /// <returns>The manifest's path.</returns>
    public static string WriteManifest(IReadOnlyList<CorpusRecordResult> results, string outDirectory)
    {
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(outDirectory);
        var manifest = new
        {
            recordedBy = "writeback corpus record",
            date = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            kernel = ReadFirstLine("/proc/sys/kernel/osrelease"),
            machine = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            entries = results.Select(r => new
            {
                name = r.Name,
                engine = r.Engine,
                status = r.Status.ToString().ToLowerInvariant(),
                reason = r.Reason,
                trace = r.TracePath is null ? null : Path.GetFileName(r.TracePath),
                traceBytes = r.TraceBytes,
                events = r.EventCount,
                systemCalls = r.SystemCallCount,
                seconds = Math.Round(r.Elapsed.TotalSeconds, 2),
                programVersion = r.ProgramVersion,
                fileSystem = r.FileSystem,
            }),
        };
        string path = Path.Combine(outDirectory, "manifest.json");
        File.WriteAllText(path, JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        return path;
    }

    private static string? Version(CorpusEntry entry, string buildDirectory)
    {
        if (entry.Version is null)
        {
            return null;
        }
        (int exitCode, string output) = CorpusTools.Shell(entry.Expand(entry.Version, buildDirectory), entry.Folder, TimeSpan.FromSeconds(30));
        string line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return exitCode == 0 && line.Length > 0 ? line : null;
    }

    /// <summary>The type of the file system holding a path: the mount in /proc/self/mountinfo with the longest matching mount point.</summary>
    private static string? FileSystemOf(string path)
    {
        string? best = null;
        int bestLength = -1;
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }
            string mountPoint = fields[4].Replace("\\040", " ", StringComparison.Ordinal);
            bool contains = path == mountPoint || path.StartsWith(mountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (contains && mountPoint.Length > bestLength)
            {
                (best, bestLength) = (fields[separator + 1], mountPoint.Length);
            }
        }
        return best;
    }

    private static string? ReadFirstLine(string path) => File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";
}
