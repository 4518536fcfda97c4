namespace Writeback.Simulation;

/// <summary>
/// A program to crash-test: a deterministic workload over an <see cref="IMappedStorage"/> and a
/// checker that recovers one post-crash image and states whether the program's promises hold.
/// </summary>
/// <remarks>
/// The workload runs once against <see cref="SimulatedStorage"/>, which records every
/// persistence-relevant call. The explorer derives post-crash images from that record and calls
/// <see cref="Check"/> on each. The verdict must depend only on the image, <see cref="CrashContext.Kind"/>
/// and <see cref="CrashContext.Acknowledged"/>: identical images with identical acknowledgements are
/// checked once and the verdict is reused at other crash points.
/// </remarks>
public interface ICrashScenario
{
    /// <summary>The scenario's name, as reports and <c>writeback check --scenario</c> show it.</summary>
    string Name { get; }

    /// <summary>
    /// The workload. It must be deterministic (same calls, same bytes, every run). Call
    /// <see cref="Acknowledgements.Add"/> when the program tells its user that something is durable.
    /// </summary>
    /// <param name="storage">Where the program keeps its files.</param>
    /// <param name="acknowledged">Where the program records what it has promised.</param>
    void Run(IMappedStorage storage, Acknowledgements acknowledged);

    /// <summary>
    /// Recovers the program's state from <paramref name="recovered"/> and checks its invariants and
    /// its promises: every value in <see cref="CrashContext.Acknowledged"/> must have survived.
    /// Writes made here go to a private copy of the image and are discarded.
    /// </summary>
    /// <param name="recovered">The post-crash image: the names and contents that survived.</param>
    /// <param name="context">The crash kind, the crash point, and what was acknowledged before it.</param>
    /// <returns><see cref="CheckResult.Ok"/>, or <see cref="CheckResult.Fail"/> with what is wrong.</returns>
    CheckResult Check(IMappedStorage recovered, CrashContext context);
}
