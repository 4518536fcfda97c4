using Writeback.Cli.Output;
using Writeback.Simulation;

namespace Writeback.Cli.Tests;

/// <summary>
/// What a report says it explored (issue 17 item 6): exhaustive and bounded crash points in words,
/// with what a bounded one checks, and the file that dominates the bounded state spaces with the
/// --ignore that would take it out.
/// </summary>
public sealed class ExplorationTextTests
{
    private static CrashReport Report(KernelModel model, int exhaustive, int bounded, params FileStateShare[] shares) => new()
    {
        Scenario = "wal.sh",
        Model = model,
        CrashKinds = [CrashKind.ProcessCrash, CrashKind.KernelCrash, CrashKind.PowerLoss],
        AtomicWriteBytes = 4096,
        Seed = 0,
        CallCount = 10,
        CrashPoints = 11,
        StatesChecked = 1,
        StatesGenerated = 1,
        ExhaustiveCrashPoints = exhaustive,
        BoundedCrashPoints = bounded,
        BoundedStateShares = shares,
        Failures = [],
    };

    [Fact]
    public void Only_exhaustive_crash_points_are_called_exhaustive()
    {
        IReadOnlyList<string> lines = ExplorationText.Lines([Report(KernelModel.Linux3_16Range, 33, 0)], 4096, "--ignore");

        string line = Assert.Single(lines);
        Assert.Equal("explored exhaustively: every state the model allows at all 33 crash points (per crash kind and model; each had at most 4,096 states)", line);
    }

    [Fact]
    public void Bounded_crash_points_are_counted_and_what_they_checked_is_said_and_a_dominant_file_is_named_with_its_ignore()
    {
        CrashReport[] reports =
        [
            Report(KernelModel.Linux2_6_19To3_15WholeFile, 20, 13, new FileStateShare("test.db-shm", 90, 0.9), new FileStateShare("test.db-wal", 10, 0.1)),
            Report(KernelModel.Linux3_16Range, 20, 13, new FileStateShare("test.db-shm", 90, 0.9), new FileStateShare("test.db-wal", 10, 0.1)),
        ];

        IReadOnlyList<string> lines = ExplorationText.Lines(reports, 4096, "--ignore");

        Assert.Equal(2, lines.Count);
        Assert.StartsWith("explored exhaustively: 40 crash points (per crash kind and model, at most 4,096 states each); bounded, NOT exhaustive: 26 crash points with more than 4,096 states", lines[0], StringComparison.Ordinal);
        Assert.Contains("only all-lost, all-kept, each page, length and name deviating alone", lines[0], StringComparison.Ordinal);
        Assert.Contains("seeded random samples", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("test.db-shm makes up 90% of the bounded crash points' states", lines[1], StringComparison.Ordinal);
        Assert.Contains("--ignore test.db-shm leaves it out", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void No_file_is_named_when_none_has_most_of_the_bounded_states()
    {
        IReadOnlyList<string> lines = ExplorationText.Lines([Report(KernelModel.Linux3_16Range, 1, 4, new FileStateShare("a", 40, 0.4), new FileStateShare("b", 35, 0.35),
                                                  new FileStateShare("c", 25, 0.25))], 4096, "--ignore");

        Assert.Single(lines);
        Assert.Equal("b", ExplorationText.Dominant([Report(KernelModel.Linux3_16Range, 1, 4, new FileStateShare("a", 40, 0.4), new FileStateShare("b", 60, 0.6))])?.File);
    }

    [Fact]
    public void A_collapsed_file_is_named_with_its_representatives_states_saved_and_fallbacks()
    {
        CrashReport first = Report(KernelModel.Linux2_6_19To3_15WholeFile, 40, 0) with
        {
            UncoveredFileReductions = [new UncoveredFileReduction("test.db-shm", 30, 3, 1_000_000, 900, 0)],
        };
        CrashReport second = Report(KernelModel.Linux3_16Range, 40, 0) with
        {
            UncoveredFileReductions = [new UncoveredFileReduction("test.db-shm", 20, 3, 2_000_000, 600, 2)],
        };

        IReadOnlyList<string> lines = ExplorationText.Lines([first, second], 4096, "--ignore");

        Assert.Equal(2, lines.Count);
        Assert.StartsWith("explored exhaustively: all 80 crash points", lines[0], StringComparison.Ordinal);
        Assert.Contains("test.db-shm: never covered by a durability call, its contents collapsed to 3 representatives", lines[1], StringComparison.Ordinal);
        Assert.Contains("at 50 crash points", lines[1], StringComparison.Ordinal);
        Assert.Contains("1,500 states instead of 3,000,000", lines[1], StringComparison.Ordinal);
        Assert.Contains("differed across its representatives at 2 crash points, so its contents matter there and were explored in full", lines[1], StringComparison.Ordinal);
    }
}
