using System.Globalization;
using Writeback.Processes;
using Writeback.Tracing.Replay;

namespace Writeback.Tracing;

/// <summary>
/// Writes chosen post-crash images of a replayed recording to real directories, for debugging a
/// checker's verdict. Beside each image directory <c>IMAGE</c>, when a scenario is given:
/// <c>IMAGE.output.txt</c>, exactly the standard output the checker was given as
/// <c>WRITEBACK_OUTPUT</c>, and <c>IMAGE.verdict.txt</c>, the checker's verdict on that image
/// (<c>pass</c> or <c>FAIL: its first output line</c>) followed by <c>name: value</c> lines: model,
/// crash kind, crash point, checker and the directory it ran in.
/// </summary>
public static class TraceImages
{
    /// <summary>
    /// Writes every distinct image the model allows at one crash point (as the explorer enumerates
    /// them) into <c>DIRECTORY/state-I</c>, at most <paramref name="maxImages"/> of them; with a
    /// scenario, each with its output and the checker's verdict beside it.
    /// </summary>
    /// <param name="record">The record of the replayed recording (<c>CrashExplorer.Record</c> of a <see cref="TraceScenario"/>).</param>
    /// <param name="model">The kernel model.</param>
    /// <param name="kind">The crash kind.</param>
    /// <param name="crashPointIndex">0 ≤ index ≤ the record's call count.</param>
    /// <param name="options">The exploration options (atomic write unit, state limits, seed).</param>
    /// <param name="directory">Where to write; created.</param>
    /// <param name="maxImages">The most images to write.</param>
    /// <param name="scenario">The scenario whose checker judges each image, or <see langword="null"/> to write images only.</param>
    /// <returns>How many distinct images were written.</returns>
    public static int WriteImages(SimulationRecord record, KernelModel model, CrashKind kind, int crashPointIndex, ExplorerOptions options,
                                  string directory, int maxImages = 64, TraceScenario? scenario = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(options);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (IReadOnlyDictionary<string, byte[]> image in CrashExplorer.EnumerateImages(record, model, kind, crashPointIndex, options))
        {
            if (seen.Count >= maxImages)
            {
                break;
            }
            if (seen.Add(ImageFiles.Fingerprint(image)))
            {
                string target = Path.Combine(directory, $"state-{seen.Count - 1}");
                Write(image, target);
                if (scenario is not null)
                {
                    WriteVerdict(scenario, record, model, kind, crashPointIndex, image, target);
                }
            }
        }
        return seen.Count;
    }

    /// <summary>
    /// Writes the image a failure was found on into <c>DIRECTORY</c>, and its shrunk image (when there
    /// is one) into <c>DIRECTORY-shrunk</c>; with a scenario, each with its output and the checker's verdict beside it.
    /// </summary>
    /// <param name="record">The record the failure was explored from.</param>
    /// <param name="model">The model of the failure's report.</param>
    /// <param name="failure">The failure.</param>
    /// <param name="atomicWriteBytes">The atomic write unit of the exploration.</param>
    /// <param name="directory">Where to write; created.</param>
    /// <param name="scenario">The scenario whose checker judges each image, or <see langword="null"/> to write images only.</param>
    public static void WriteFailure(SimulationRecord record, KernelModel model, CrashFailure failure, int atomicWriteBytes, string directory,
                                    TraceScenario? scenario = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        foreach ((bool shrunk, string? target) in new[] { (false, directory), (true, directory + "-shrunk") })
        {
            if (CrashExplorer.FailureImage(record, model, failure, atomicWriteBytes, shrunk) is { } image)
            {
                Write(image, target);
                if (scenario is not null)
                {
                    WriteVerdict(scenario, record, model, failure.Kind, failure.CrashPointIndex, image, target);
                }
            }
        }
    }

    /// <summary>
    /// Writes <c>IMAGE.output.txt</c> and runs the checker on a copy of the image (a checker may
    /// repair what it opens; the written image stays as the crash left it), then writes <c>IMAGE.verdict.txt</c>.
    /// </summary>
    /// <returns>The verdict line.</returns>
    private static string WriteVerdict(TraceScenario scenario, SimulationRecord record, KernelModel model, CrashKind kind, int crashPointIndex,
                                       IReadOnlyDictionary<string, byte[]> image, string imageDirectory)
    {
        IReadOnlyList<long> acknowledged = record.AcknowledgedAt(crashPointIndex);
        string outputFile = Path.GetFullPath(imageDirectory + ".output.txt");
        File.WriteAllBytes(outputFile, scenario.OutputBefore(acknowledged.Count == 0 ? 0 : acknowledged[^1]).ToArray());
        string crashPointName = crashPointIndex < record.CallCount ? $"#{crashPointIndex} before {record.DescribeCall(crashPointIndex)}"
            : record.CallCount == 0 ? $"#{crashPointIndex} at the end" : $"#{crashPointIndex} after {record.DescribeCall(record.CallCount - 1)}";
        string copy = Path.Combine(Path.GetTempPath(), $"writeback-image-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string? message;
        try
        {
            Write(image, copy);
            message = CheckerCommand.Run(scenario.Checker.Command, TraceScenario.CheckerEnvironment(scenario.Checker, copy, outputFile, model.Name, kind, crashPointName),
                                         scenario.Checker.WorkingDirectory, scenario.Checker.Timeout, $"{crashPointName} ({model.Name}, {kind})",
                message => new TraceException("trace: " + message)).Failure;
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
        string verdict = message is null ? "pass" : "FAIL: " + message;
        File.WriteAllText(imageDirectory + ".verdict.txt", string.Create(CultureInfo.InvariantCulture,
            $"{verdict}\nmodel: {model.Name}\ncrash kind: {kind}\ncrash point: {crashPointName}\nchecker: {scenario.Checker.Command}\nchecker ran in: {scenario.Checker.WorkingDirectory}\n"));
        return verdict;
    }

    private static void Write(IReadOnlyDictionary<string, byte[]> image, string directory) =>
        ImageFiles.Write(image, directory, []);
}
