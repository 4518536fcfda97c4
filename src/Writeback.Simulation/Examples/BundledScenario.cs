namespace Writeback.Simulation.Examples;

/// <summary>
/// A bundled example scenario with its documented verdicts: whether it is expected to pass under
/// each kernel model, crash kind and atomic write unit. The verdict matrix in
/// <c>docs/crash-testing.md</c> is generated from <see cref="ExpectedToPass"/>, and
/// <c>writeback check</c> compares actual results with it.
/// </summary>
public sealed class BundledScenario
{
    private readonly Func<KernelModel, CrashKind, int, bool> _expectedToPass;

    internal BundledScenario(ICrashScenario scenario, string summary, string why, Func<KernelModel, CrashKind, int, bool> expectedToPass,
                             StorageFaults? faults = null)
    {
        Faults = faults;
        Scenario = scenario;
        Summary = summary;
        Why = why;
        _expectedToPass = expectedToPass;
    }

    /// <summary>The scenario.</summary>
    public ICrashScenario Scenario { get; }

    /// <summary>What the program does, in one sentence.</summary>
    public string Summary { get; }

    /// <summary>Why it passes or fails where it does, in one or two sentences.</summary>
    public string Why { get; }

    /// <summary>Whether the scenario is documented to pass under <paramref name="model"/> for crashes of <paramref name="kind"/>.</summary>
    /// <param name="model">The kernel model.</param>
    /// <param name="kind">The crash kind.</param>
    /// <param name="atomicWriteBytes">The atomic write unit (512 lets pages tear at power loss).</param>
    /// <returns>The documented verdict.</returns>
    public bool ExpectedToPass(KernelModel model, CrashKind kind, int atomicWriteBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _expectedToPass(model, kind, atomicWriteBytes);
    }

    /// <inheritdoc/>
    public override string ToString() => Scenario.Name;

    /// <summary>The storage faults its documented verdicts are for (<see cref="ExplorerOptions.StorageFaults"/>), or <see langword="null"/> for none.</summary>
    public StorageFaults? Faults { get; }
}
