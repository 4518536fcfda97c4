namespace Writeback.Benchmarks;

/// <summary>
/// A benchmark that is not a BenchmarkDotNet class: a side-by-side scenario harness that runs its
/// candidates and baselines in one process and prints (and records) medians. Found by reflection,
/// so each suite lives in its own folder and nothing central lists them.
/// </summary>
public interface IHarness
{
    /// <summary>The name given on the command line: <c>dotnet run -c Release --project bench/Writeback.Benchmarks -- NAME</c>.</summary>
    string Name { get; }

    /// <summary>One line saying what it measures, for the list printed by <c>--list-harnesses</c>.</summary>
    string Description { get; }

    /// <summary>Runs the harness with the remaining arguments; returns the process exit code.</summary>
    int Run(string[] args);
}
