namespace Writeback.Cli.Commands.Check;

/// <summary>One scenario's reports, one per model in the order the models were given.</summary>
/// <param name="Target">The scenario.</param>
/// <param name="Reports">The reports.</param>
internal sealed record CheckOutcome(CheckTarget Target, IReadOnlyList<CrashReport> Reports)
{
    /// <summary>Whether the scenario survived every crash of <paramref name="kind"/> under the report's model.</summary>
    /// <param name="report">One of <see cref="Reports"/>.</param>
    /// <param name="kind">The crash kind.</param>
    /// <returns><see langword="true"/> when no failure of that kind was found.</returns>
    public static bool Passed(CrashReport report, CrashKind kind) => !report.Failures.Any(f => f.Kind == kind);

    /// <summary>The documented verdict, for bundled examples.</summary>
    /// <param name="report">One of <see cref="Reports"/>.</param>
    /// <param name="kind">The crash kind.</param>
    /// <returns>The expected verdict, or null for a user's scenario or a model from a file (nothing is documented for it).</returns>
    public bool? Expected(CrashReport report, CrashKind kind) =>
        KernelModel.All.Contains(report.Model) ? Target.ExpectedToPass?.Invoke(report.Model, kind, report.AtomicWriteBytes) : null;

    /// <summary>Whether the verdict for <paramref name="kind"/> under <paramref name="report"/>'s model differs from the documentation.</summary>
    /// <param name="report">The report.</param>
    /// <param name="kind">The crash kind.</param>
    /// <returns><see langword="false"/> when the verdict matches or nothing is documented.</returns>
    public bool Unexpected(CrashReport report, CrashKind kind) => Expected(report, kind) is { } e && e != Passed(report, kind);

    /// <summary>Whether any crash state broke the scenario under any model.</summary>
    public bool AnyFailure => Reports.Any(r => r.Failures.Count > 0);

    /// <summary>
    /// With two models (baseline, candidate): the candidate's failures at crash points (and kinds)
    /// where the baseline has none, i.e. what moving to the candidate's semantics breaks.
    /// </summary>
    /// <returns>The failures, or empty with another number of models.</returns>
    public IReadOnlyList<CrashFailure> CandidateOnlyFailures()
    {
        if (Reports.Count != 2)
        {
            return [];
        }

        var baseline = Reports[0].Failures.Select(f => (f.Kind, f.CrashPointIndex)).ToHashSet();
        return [.. Reports[1].Failures.Where(f => !baseline.Contains((f.Kind, f.CrashPointIndex)))];
    }
}
