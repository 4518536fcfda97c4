using System.Globalization;
using Writeback.LossyFs.Tests.Mounted;
using Writeback.LossyFs.Tests.Programs;
using Writeback.Simulation;

namespace Writeback.LossyFs.Tests.Fidelity;

/// <summary>What one real run of a scenario on LossyFs, stopped at a crash point and crashed, left behind.</summary>
/// <param name="Image">Every file of the backing directory after the crash: name -> content.</param>
/// <param name="Acknowledged">What the workload acknowledged before the crash point.</param>
/// <param name="Check">The scenario's own checker run on the real image.</param>
/// <param name="Crash">What LossyFs dropped and kept.</param>
internal sealed record RealCrashOutcome(IReadOnlyDictionary<string, byte[]> Image, IReadOnlyList<long> Acknowledged, CheckResult Check, CrashResult Crash)
{
    /// <summary>
    /// Runs <paramref name="scenario"/> on a fresh LossyFs mount through a real
    /// <see cref="DirectoryStorage"/> wrapped in <see cref="CallLimitedStorage"/>, stops it just
    /// before call <paramref name="crashPointIndex"/>, crashes the mount as <paramref name="crash"/>
    /// says, reads the backing directory and runs the scenario's checker on it.
    /// </summary>
    public static RealCrashOutcome Run(ICrashScenario scenario, int crashPointIndex, LossyFsCrash crash)
    {
        using var mount = TestMount.Create();
        List<long> acknowledged = RunWorkloadProcess(scenario.Name, crashPointIndex, mount.Mountpoint);
        CrashResult crashResult = mount.Crash(crash.ToOptions());
        var image = Directory.EnumerateFiles(mount.Backing)
            .ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes, StringComparer.Ordinal);
        CheckResult check = scenario.Check(new DirectoryStorage(mount.Backing), new CrashContext(CrashKind.PowerLoss, crashPointIndex, acknowledged));
        return new RealCrashOutcome(image, acknowledged, check, crashResult);
    }

    /// <summary>Runs the workload in a child process (see <see cref="WorkloadProcess"/>) and returns its acknowledgements.</summary>
    private static List<long> RunWorkloadProcess(string scenarioName, int crashPointIndex, string directory)
    {
        using ChildProcess child = WorkloadProcess.Start([WorkloadProcess.Verb, scenarioName, crashPointIndex.ToString(CultureInfo.InvariantCulture), directory]);
        child.CloseInput();
        (int exitCode, string? output, string? error) = child.RunToEnd(60_000);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (exitCode != 0 || !lines.Contains($"stopped {crashPointIndex.ToString(CultureInfo.InvariantCulture)}"))
        {
            throw new InvalidOperationException($"{scenarioName} workload to crash point {crashPointIndex} failed: exit {exitCode}; {output} {error}");
        }
        return [.. lines.Where(l => l.StartsWith("ack ", StringComparison.Ordinal)).Select(l => long.Parse(l.AsSpan(4), CultureInfo.InvariantCulture))];
    }
}
