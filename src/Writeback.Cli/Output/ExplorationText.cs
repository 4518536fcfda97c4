using System.Globalization;
using Writeback.Formatting;

namespace Writeback.Cli.Output;

/// <summary>
/// What a run explored, in words: how many crash points were explored exhaustively and how many
/// bounded (with what a bounded crash point checks), and, when one file makes up most of the
/// bounded state spaces, its name and the <c>--ignore</c> that would take it out.
/// </summary>
internal static class ExplorationText
{
    /// <summary>A file with at least this share of the bounded crash points' state bits dominates them.</summary>
    public const double DominantShare = 0.5;

    /// <summary>The lines: one on exhaustive and bounded crash points, and one naming a dominant file.</summary>
    /// <param name="reports">The run's reports (one per model).</param>
    /// <param name="maxStates">The exhaustive limit per crash point (<c>--max-states</c>).</param>
    /// <param name="ignoreOption">The option that leaves a file out, as the command spells it (e.g. <c>--ignore</c>), or null when the command has none.</param>
    /// <returns>The lines, without markup.</returns>
    public static IReadOnlyList<string> Lines(IReadOnlyList<CrashReport> reports, int maxStates, string? ignoreOption)
    {
        int exhaustive = reports.Sum(r => r.ExhaustiveCrashPoints);
        int bounded = reports.Sum(r => r.BoundedCrashPoints);
        string limit = maxStates.ToString("N0", CultureInfo.InvariantCulture);
        IReadOnlyList<string> reduced = ReductionLines(reports);
        if (bounded == 0)
        {
            return [reduced.Count == 0
                ? $"explored exhaustively: every state the model allows at all {Counted.Of(exhaustive, "crash point")} (per crash kind and model; each had at most {limit} states)"
                : $"explored exhaustively: all {Counted.Of(exhaustive, "crash point")} (per crash kind and model; each had at most {limit} states, "
                  + "counting a collapsed file's representatives as its states)", .. reduced];
        }
        var lines = new List<string>
        {
            $"explored exhaustively: {Counted.Of(exhaustive, "crash point")} (per crash kind and model, at most {limit} states each); "
            + $"bounded, NOT exhaustive: {Counted.Of(bounded, "crash point")} with more than {limit} states, of which only all-lost, all-kept, "
            + $"each page, length and name deviating alone from either (a run of pages stored by one call as a unit and at its two ends) "
            + $"and seeded random samples (8 per run of pages, at most 64) were checked, at most {limit} states per crash point; "
            + "a crash point the next one dominates (no durability call between them) checked its all-lost and all-kept images only",
        };
        lines.AddRange(reduced);
        if (Dominant(reports) is { } dominant)
        {
            string share = (dominant.Share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
            lines.Add(ignoreOption is null
                ? $"{dominant.File} makes up {share} of the bounded crash points' states"
                : $"{dominant.File} makes up {share} of the bounded crash points' states: if the program rebuilds it after a crash "
                  + $"(as SQLite rebuilds its -shm index from the WAL), {ignoreOption} {CommandLine.Quote(dominant.File)} leaves it out of the images and "
                  + "makes those crash points cheaper to explore exhaustively");
        }
        return lines;
    }

    /// <summary>
    /// One line per file the explorer collapsed as never covered (<see cref="CrashReport.UncoveredFileReductions"/>), summed
    /// over the reports: where, with how many representatives, the states saved, that the verdicts agreed, and where
    /// they did not (explored in full there).
    /// </summary>
    /// <param name="reports">The reports.</param>
    /// <returns>The lines; none when nothing was collapsed.</returns>
    public static IReadOnlyList<string> ReductionLines(IReadOnlyList<CrashReport> reports) =>
        [.. reports.SelectMany(r => r.UncoveredFileReductions).GroupBy(r => r.File, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ReductionLine(g.Key, g.Sum(r => r.CrashPoints), g.Max(r => r.Representatives),
                                       g.Aggregate(0L, (sum, r) => Saturate(sum, r.FullStates)), g.Aggregate(0L, (sum, r) => Saturate(sum, r.ReducedStates)),
                                       g.Sum(r => r.FallbackCrashPoints)))];

    private static string ReductionLine(string file, int crashPoints, int representatives, long fullStates, long reducedStates, int fallbacks)
    {
        string full = fullStates == long.MaxValue ? "more than 9.2e18" : fullStates.ToString("N0", CultureInfo.InvariantCulture);
        string line = crashPoints == 0 ? $"{file}: never covered by a durability call, "
            : $"{file}: never covered by a durability call, its contents collapsed to {representatives} representatives (all its changes lost, all kept, "
              + $"one seeded sample) at {Counted.Of(crashPoints, "crash point")} where the checker's verdicts agreed across them (compared on the first 8 states of the other choices, all-lost and all-kept first, "
              + "at each crash point the next one does not dominate, that is, before a durability call or an acknowledgement; other states with all its changes lost): "
              + $"{reducedStates.ToString("N0", CultureInfo.InvariantCulture)} states instead of {full}";
        return fallbacks == 0 ? line + " (--no-reduce-uncovered explores them in full)"
            : line + (crashPoints == 0 ? "" : "; ") + $"the verdicts differed across its representatives at {Counted.Of(fallbacks, "crash point")}, "
              + "so its contents matter there and were explored in full";
    }

    private static long Saturate(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>The file with at least <see cref="DominantShare"/> of the bounded state bits over all reports, or null.</summary>
    /// <param name="reports">The reports.</param>
    /// <returns>The file and its share, or null.</returns>
    public static FileStateShare? Dominant(IReadOnlyList<CrashReport> reports)
    {
        (string File, double Bits)[] bits = reports.SelectMany(r => r.BoundedStateShares).GroupBy(s => s.File, StringComparer.Ordinal)
            .Select(g => (File: g.Key, Bits: g.Sum(s => s.StateBits))).ToArray();
        double total = bits.Sum(b => b.Bits);
        if (total <= 0)
        {
            return null;
        }
        (string File, double Bits) top = bits.OrderByDescending(b => b.Bits).ThenBy(b => b.File, StringComparer.Ordinal).First();
        return top.Bits / total >= DominantShare ? new FileStateShare(top.File, top.Bits, top.Bits / total) : null;
    }
}
