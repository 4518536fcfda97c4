namespace Writeback.LossyFs.Tests.Programs;

/// <summary>
/// Proves the sqlite3 and LMDB drivers and their verification on a plain directory, where a killed
/// program (a process crash) must lose nothing it acknowledged, whatever its sync settings: the
/// data is in the kernel's page cache, which survives the process. If these fail, a LossyFs result
/// would say nothing.
/// </summary>
[Collection(ProgramsCollection.Name)]
public sealed class PlainDirectoryDriverTests
{
    public static TheoryData<string, string> SqliteModes => new()
    {
        { "WAL", "FULL" }, { "WAL", "OFF" }, { "DELETE", "FULL" }, { "DELETE", "OFF" },
    };

    [SkippableTheory]
    [MemberData(nameof(SqliteModes))]
    public void Sqlite3_ProcessKill_KeepsEveryAcknowledgedRow(string journalMode, string synchronous)
    {
        Skip.If(Sqlite3Workload.Sqlite3Path is null, "sqlite3 is not installed (apt-get install sqlite3)");
        var settings = new Sqlite3Settings(journalMode, synchronous);
        AssertProcessKillLosesNothing("sqlite-plain", d => Sqlite3Workload.CreateDatabase(d, settings), d => Sqlite3Workload.Start(d, settings), Sqlite3Workload.Inspect, 40);
    }

    [SkippableFact]
    public void Sqlite3_Inspect_ReportsARowDeletedBehindItsBack()
    {
        Skip.If(Sqlite3Workload.Sqlite3Path is null, "sqlite3 is not installed (apt-get install sqlite3)");
        var settings = new Sqlite3Settings("WAL", "FULL");
        using var scratch = new ScratchDirectory("sqlite-plain");
        Sqlite3Workload.CreateDatabase(scratch.Path, settings);
        using (var workload = Sqlite3Workload.Start(scratch.Path, settings))
        {
            workload.Commit(1, 5);
        }
        ChildProcess.Run(Sqlite3Workload.Sqlite3Path!, [Path.Combine(scratch.Path, Sqlite3Workload.DatabaseName), "DELETE FROM t WHERE id = 3;"], 30_000);

        Sqlite3Image image = Sqlite3Workload.Inspect(scratch.Path);

        Assert.Equal("ok", image.IntegrityCheck);
        Assert.Equal([3L], image.Missing([1, 2, 3, 4, 5]));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lmdb_ProcessKill_KeepsEveryAcknowledgedRecord(bool noSync)
    {
        Skip.If(LmdbWorkload.UnavailableReason is not null, LmdbWorkload.UnavailableReason);
        AssertProcessKillLosesNothing("lmdb-plain", LmdbWorkload.CreateEnvironment, d => LmdbWorkload.Start(d, noSync), LmdbWorkload.Inspect, 60);
    }

    [SkippableFact]
    public void Lmdb_Inspect_ReportsACorruptedValue()
    {
        Skip.If(LmdbWorkload.UnavailableReason is not null, LmdbWorkload.UnavailableReason);
        using var scratch = new ScratchDirectory("lmdb-plain");
        LmdbWorkload.CreateEnvironment(scratch.Path);
        using (var workload = LmdbWorkload.Start(scratch.Path, noSync: false))
        {
            workload.Commit(1, 3);
        }
        // Record 2's value starts with bytes 62, 63, 64, ... (id * 31 + j). LMDB copies pages on
        // write, so older copies of the leaf hold it too: flip a byte in every copy.
        string dataPath = Path.Combine(scratch.Path, "data.mdb");
        byte[] data = File.ReadAllBytes(dataPath);
        byte[] needle = Enumerable.Range(0, 64).Select(j => (byte)((2 * 31 + j) & 0xff)).ToArray();
        int copies = 0;
        for (int at = data.AsSpan().IndexOf(needle); at >= 0; at = data.AsSpan(at + 1).IndexOf(needle) is var next and >= 0 ? at + 1 + next : -1)
        {
            data[at + 10] ^= 0xff;
            copies++;
        }
        Assert.True(copies > 0, "record 2's value was not found in data.mdb");
        File.WriteAllBytes(dataPath, data);

        LmdbImage image = LmdbWorkload.Inspect(scratch.Path);

        Assert.Contains("record 2 has a value that was never written", image.Problems);
    }

    private static void AssertProcessKillLosesNothing<TImage>(string prefix, Action<string> create, Func<string, IAcknowledgingWorkload> start, Func<string, TImage> inspect, int acknowledgedBeforeKill)
        where TImage : IProgramImage
    {
        using var scratch = new ScratchDirectory(prefix);
        create(scratch.Path);
        using var target = new PlainDirectoryTarget(scratch.Path);

        (IReadOnlyList<long>? acknowledged, TImage? image) = new ProgramCrashPoint(acknowledgedBeforeKill, 5).RunAndInspect(target, start, inspect);

        Assert.True(acknowledged.Count >= acknowledgedBeforeKill, $"only {acknowledged.Count} acknowledged");
        Assert.Equal("ok", image.Soundness);
        Assert.Empty(image.Problems);
        Assert.Empty(image.Missing(acknowledged));
    }
}
