using Xunit.Abstractions;

namespace Writeback.LossyFs.Tests.Programs;

/// <summary>
/// Debian's liblmdb with MDB_WRITEMAP on a LossyFs mount: records are written through a shared
/// writable mapping and made durable by msync(MS_SYNC), which reaches LossyFs as writeback + FSYNC.
/// Crashed after k acknowledged commits: with default durability every acknowledged record survives
/// and the environment opens cleanly; with MDB_NOSYNC acknowledged records are lost.
/// </summary>
[Collection(ProgramsCollection.Name)]
public sealed class LmdbCrashTests(ITestOutputHelper output)
{
    private static readonly int[] CrashAfter = [0, 1, 3, 8, 21, 50];
    private static readonly ulong[] KeepRandomSeeds = [601, 602, 603];

    [SkippableFact]
    public void DefaultDurability_KeepsEveryAcknowledgedRecord_AtEveryCrashPoint()
    {
        SkipUnlessAvailable();
        var failures = new List<string>();
        foreach ((ProgramCrashPoint? point, LossyFsCrash? crash) in CrashPlans())
        {
            (IReadOnlyList<long>? acknowledged, LmdbImage? image) = CrashOnce(noSync: false, point, crash);
            IReadOnlyList<long> missing = image.Missing(acknowledged);
            if (image.OpenResult != "ok" || image.Problems.Count > 0 || missing.Count > 0)
            {
                failures.Add($"{point}, {crash}: open '{image.OpenResult}', missing [{string.Join(", ", missing)}], {string.Join("; ", image.Problems)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [SkippableFact]
    public void NoSync_LosesAcknowledgedRecords()
    {
        SkipUnlessAvailable();
        int losses = 0;
        foreach ((ProgramCrashPoint? point, LossyFsCrash? crash) in CrashPlans().Where(p => p.Point.AcknowledgedBeforeCrash > 0))
        {
            (IReadOnlyList<long>? acknowledged, LmdbImage? image) = CrashOnce(noSync: true, point, crash);
            losses += image.Missing(acknowledged).Count > 0 ? 1 : 0;
        }
        Assert.True(losses > 0, "MDB_NOSYNC: no crash point lost an acknowledged record, so the suite cannot tell the durable setting from the other");
    }

    private static IEnumerable<(ProgramCrashPoint Point, LossyFsCrash Crash)> CrashPlans() =>
        ProgramCrashPoint.Plans(CrashAfter, KeepRandomSeeds, inFlightAtCrash: 2);

    private (IReadOnlyList<long> Acknowledged, LmdbImage Image) CrashOnce(bool noSync, ProgramCrashPoint point, LossyFsCrash crash)
    {
        using var target = LossyFsTarget.Mount(crash, LmdbWorkload.CreateEnvironment);
        (IReadOnlyList<long>? acknowledged, LmdbImage? image) = point.RunAndInspect(target, directory => LmdbWorkload.Start(directory, noSync), LmdbWorkload.Inspect);
        output.WriteLine($"{(noSync ? "MDB_NOSYNC" : "default")} {point} {crash}: acknowledged {acknowledged.Count}, records {image.Ids.Count}, open '{image.OpenResult}', missing [{string.Join(", ", image.Missing(acknowledged))}]");
        return (acknowledged, image);
    }

    private static void SkipUnlessAvailable()
    {
        Skip.If(LmdbWorkload.UnavailableReason is not null, LmdbWorkload.UnavailableReason);
        Skip.If(LossyFsTarget.UnavailableReason is not null, LossyFsTarget.UnavailableReason);
    }
}
