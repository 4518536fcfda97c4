using System.Globalization;

namespace Writeback.Tracing;

/// <summary>
/// Runs a C# <see cref="ICrashScenario"/> as a real process on real files, so that it can be
/// recorded by <c>writeback trace</c> like any other program: <see cref="Run"/> is the workload on a
/// <see cref="DirectoryStorage"/>, printing each acknowledged value as a line at the moment it is
/// acknowledged; <see cref="Check"/> is the checker on a materialised image. With both, one scenario
/// gives two front ends (in-process simulation and a traced process) the same question.
/// </summary>
public static class ScenarioProcess
{
    /// <summary>Runs the scenario's workload on the real files of <paramref name="directory"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="directory">Where its files live.</param>
    /// <param name="output">Where each acknowledged value is written, one per line, flushed at once.</param>
    public static void Run(ICrashScenario scenario, string directory, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(output);
        var acknowledged = new Acknowledgements(value =>
        {
            // The program acknowledges the value now, in order with its file calls.
            output.WriteLine(value.ToString(CultureInfo.InvariantCulture));
            output.Flush();
        });
        scenario.Run(new DirectoryStorage(directory), acknowledged);
    }

    /// <summary>Runs the scenario's checker on a materialised image, with the acknowledgements read back from the output file.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="imageDirectory">The image (<c>WRITEBACK_IMAGE</c>).</param>
    /// <param name="outputFile">What the program printed before the crash point (<c>WRITEBACK_OUTPUT</c>).</param>
    /// <param name="kind">The crash kind (<c>WRITEBACK_CRASH_KIND</c>).</param>
    /// <returns>The checker's verdict.</returns>
    public static CheckResult Check(ICrashScenario scenario, string imageDirectory, string outputFile, CrashKind kind)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        long[] acknowledged = [.. File.ReadAllLines(outputFile).Where(l => l.Length > 0).Select(l => long.Parse(l, CultureInfo.InvariantCulture))];
        return scenario.Check(new DirectoryStorage(imageDirectory), new CrashContext(kind, 0, acknowledged));
    }
}
