using Xunit.Abstractions;

namespace Writeback.LossyFs.Tests.Programs;

/// <summary>
/// The real sqlite3 CLI on a LossyFs mount, crashed (a power cut: unsynced data is lost, or with
/// <c>--keep random</c> a seeded subset of it survives, torn at 512 bytes) after k acknowledged
/// transactions for several k. The image is then opened directly in the backing directory (sqlite
/// runs its own recovery), must pass <c>PRAGMA integrity_check</c>, and must hold every row sqlite
/// acknowledged, unless the settings promise no durability.
/// </summary>
[Collection(ProgramsCollection.Name)]
public sealed class Sqlite3CrashTests(ITestOutputHelper output)
{
    /// <summary>The crash points: after k acknowledged transactions, with one more in flight.</summary>
    private static readonly int[] CrashAfter = [0, 1, 2, 5, 13, 30];

    /// <summary>Seeds for <c>--keep random</c>; each one is printed with its result.</summary>
    private static readonly ulong[] KeepRandomSeeds = [501, 502, 503];

    /// <summary>
    /// The settings under which sqlite promises that a COMMIT that returned is durable on a POSIX
    /// file system. DELETE needs EXTRA: with FULL, sqlite unlinks the rollback journal to commit but
    /// does not fsync the directory (the sqlite docs on PRAGMA synchronous say EXTRA adds exactly
    /// that), so see <see cref="DeleteJournal_SynchronousFull_LosesTheLastCommitWhenNamesAreStrict"/>.
    /// </summary>
    public static TheoryData<string, string> DurableSettings => new()
    {
        { "WAL", "FULL" }, { "TRUNCATE", "FULL" }, { "DELETE", "EXTRA" },
    };

    [SkippableTheory]
    [MemberData(nameof(DurableSettings))]
    public void Synchronous_KeepsEveryAcknowledgedTransaction_AtEveryCrashPoint(string journalMode, string synchronous)
    {
        SkipUnlessAvailable();
        var settings = new Sqlite3Settings(journalMode, synchronous);
        var failures = new List<string>();
        foreach ((ProgramCrashPoint? point, LossyFsCrash? crash) in CrashPlans())
        {
            (IReadOnlyList<long>? acknowledged, Sqlite3Image? image) = CrashOnce(settings, point, crash);
            IReadOnlyList<long> missing = image.Missing(acknowledged);
            if (image.IntegrityCheck != "ok" || image.Problems.Count > 0 || missing.Count > 0)
            {
                failures.Add($"{point}, {crash}: integrity '{image.IntegrityCheck}', missing [{string.Join(", ", missing)}], {string.Join("; ", image.Problems)}");
            }
        }
        Assert.True(failures.Count == 0, $"{settings}:\n" + string.Join('\n', failures));
    }

    [SkippableTheory]
    [InlineData("WAL")]
    [InlineData("DELETE")]
    public void SynchronousOff_LosesAcknowledgedTransactions(string journalMode)
    {
        SkipUnlessAvailable();
        var settings = new Sqlite3Settings(journalMode, "OFF");
        int losses = 0;
        foreach ((ProgramCrashPoint? point, LossyFsCrash? crash) in CrashPlans().Where(p => p.Point.AcknowledgedBeforeCrash > 0))
        {
            (IReadOnlyList<long>? acknowledged, Sqlite3Image? image) = CrashOnce(settings, point, crash);
            losses += image.Missing(acknowledged).Count > 0 ? 1 : 0;
        }
        Assert.True(losses > 0, $"{settings}: no crash point lost an acknowledged row, so the suite cannot tell durable settings from others");
    }

    [SkippableFact]
    public void DeleteJournal_SynchronousFull_LosesTheLastCommitWhenNamesAreStrict()
    {
        SkipUnlessAvailable();
        // With FULL, sqlite commits in DELETE mode by unlinking the journal and does not fsync the
        // directory. Under strict POSIX names the unlink is not durable, so after a power cut the
        // journal is back, hot, and sqlite rolls the last committed transaction back.
        var settings = new Sqlite3Settings("DELETE", "FULL");
        foreach (int k in new[] { 1, 5, 13 })
        {
            (IReadOnlyList<long>? acknowledged, Sqlite3Image? image) = CrashOnce(settings, new ProgramCrashPoint(k, 0), LossyFsCrash.KeepNone);
            Assert.Equal("ok", image.IntegrityCheck);
            Assert.Equal([(long)k], image.Missing(acknowledged));
        }
    }

    [SkippableFact]
    public void DeleteJournal_SynchronousFull_KeepsEveryCommitWhenNamesAreDurableAtOnce()
    {
        SkipUnlessAvailable();
        var settings = new Sqlite3Settings("DELETE", "FULL");
        foreach (int k in new[] { 1, 5, 13 })
        {
            (IReadOnlyList<long>? acknowledged, Sqlite3Image? image) = CrashOnce(settings, new ProgramCrashPoint(k, 0), LossyFsCrash.KeepNone, namesDurableAtOnce: true);
            Assert.Equal("ok", image.IntegrityCheck);
            Assert.Empty(image.Missing(acknowledged));
        }
    }

    private static IEnumerable<(ProgramCrashPoint Point, LossyFsCrash Crash)> CrashPlans() =>
        ProgramCrashPoint.Plans(CrashAfter, KeepRandomSeeds, inFlightAtCrash: 1);

    private (IReadOnlyList<long> Acknowledged, Sqlite3Image Image) CrashOnce(Sqlite3Settings settings, ProgramCrashPoint point, LossyFsCrash crash, bool namesDurableAtOnce = false)
    {
        using var target = LossyFsTarget.Mount(crash, backing => Sqlite3Workload.CreateDatabase(backing, settings), namesDurableAtOnce);
        (IReadOnlyList<long>? acknowledged, Sqlite3Image? image) = point.RunAndInspect(target, directory => Sqlite3Workload.Start(directory, settings), Sqlite3Workload.Inspect);
        output.WriteLine($"{settings} {point} {crash}{(namesDurableAtOnce ? " names-durable-at-once" : "")}: acknowledged {acknowledged.Count}, rows {image.Ids.Count}, integrity '{image.IntegrityCheck}', missing [{string.Join(", ", image.Missing(acknowledged))}]");
        return (acknowledged, image);
    }

    private static void SkipUnlessAvailable()
    {
        Skip.If(Sqlite3Workload.Sqlite3Path is null, "sqlite3 is not installed (apt-get install sqlite3)");
        Skip.If(LossyFsTarget.UnavailableReason is not null, LossyFsTarget.UnavailableReason);
    }
}
