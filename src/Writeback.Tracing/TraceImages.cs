using Writeback.Simulation.Exploration;
using Writeback.Tracing.Replay;

namespace Writeback.Tracing;

/// <summary>Writes chosen post-crash images of a replayed recording to real directories, for debugging a checker's verdict.</summary>
public static class TraceImages
{
    /// <summary>
    /// Writes every distinct image the model allows at one crash point (as the explorer enumerates
    /// them) into <c>DIRECTORY/state-I</c>, at most <paramref name="maxImages"/> of them.
    /// </summary>
    /// <param name="record">The record of the replayed recording (<c>CrashExplorer.Record</c> of a <see cref="TraceScenario"/>).</param>
    /// <param name="model">The kernel model.</param>
    /// <param name="kind">The crash kind.</param>
    /// <param name="crashPointIndex">0 ≤ index ≤ the record's call count.</param>
    /// <param name="options">The exploration options (atomic write unit, state limits, seed).</param>
    /// <param name="directory">Where to write; created.</param>
    /// <param name="maxImages">The most images to write.</param>
    /// <returns>How many distinct images were written.</returns>
    public static int WriteImages(SimulationRecord record, KernelModel model, CrashKind kind, int crashPointIndex, ExplorerOptions options,
                                  string directory, int maxImages = 64)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(crashPointIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(crashPointIndex, record.CallCount);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in CrashExplorer.EnumerateImages(record, model, kind, crashPointIndex, options))
        {
            if (seen.Count >= maxImages)
            {
                break;
            }
            if (seen.Add(ImageFiles.Fingerprint(image)))
            {
                Write(image, Path.Combine(directory, $"state-{seen.Count - 1}"));
            }
        }
        return seen.Count;
    }

    /// <summary>Writes the image a failure was found on into <c>DIRECTORY</c>, and its shrunk image (when there is one) into <c>DIRECTORY-shrunk</c>.</summary>
    /// <param name="record">The record the failure was explored from.</param>
    /// <param name="model">The model of the failure's report.</param>
    /// <param name="failure">The failure.</param>
    /// <param name="atomicWriteBytes">The atomic write unit of the exploration.</param>
    /// <param name="directory">Where to write; created.</param>
    public static void WriteFailure(SimulationRecord record, KernelModel model, CrashFailure failure, int atomicWriteBytes, string directory)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(failure);
        var space = new CrashPointSpace(record, record.Timeline(model), failure.Kind, failure.CrashPointIndex, atomicWriteBytes);
        if (failure.FailingState is { } state)
        {
            Write(new CrashImage(space, state).Materialize(), directory);
        }
        if (failure.ShrunkState is { } shrunk)
        {
            Write(new CrashImage(space, shrunk).Materialize(), directory + "-shrunk");
        }
    }

    private static void Write(Dictionary<string, byte[]> image, string directory) =>
        ImageFiles.Write(image, directory, []);
}
