using System.Globalization;
using Writeback.LossyFs.Tests.Mounted;
using Xunit.Abstractions;

namespace Writeback.LossyFs.Tests.Model;

/// <summary>
/// Model-based randomized test on a real mount: seeded sequences of file and namespace operations,
/// crashes (--keep none and random) and clean unmounts, each checked against the oracle. A failure
/// prints its seed and a shrunk sequence. LOSSYFS_MODEL_SEQUENCES sets how many sequences run
/// (default 300, under a minute here), LOSSYFS_MODEL_SEED replays one seed.
/// </summary>
public sealed class RandomizedModelTests(ITestOutputHelper output)
{
    private const int OperationsPerSequence = 40;
    private static readonly TimeSpan s_shrinkBudget = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public void Seeded_sequences_never_lose_durable_data_and_unmount_keeps_everything()
    {
        string? reason = TestMount.Unavailable();
        Skip.If(reason is not null, reason);
        (ulong firstSeed, ulong count) = SeedRange();
        int operationsRun = 0;
        for (ulong seed = firstSeed; seed < firstSeed + count; seed++)
        {
            List<ModelOperation> operations = Generate(seed);
            (string? failure, int index) = ModelRunner.Run(operations);
            operationsRun += operations.Count;
            if (failure is not null)
            {
                (List<ModelOperation> Operations, string? Failure) shrunk = Shrink(operations[..Math.Min(index + 1, operations.Count)]);
                string message = $"seed {seed} failed at step {index}: {failure}\nreplay: LOSSYFS_MODEL_SEED={seed}\nshrunk sequence ({shrunk.Operations.Count} steps, then a clean unmount):\n  "
                    + string.Join("\n  ", shrunk.Operations) + $"\nshrunk failure: {shrunk.Failure}";
                output.WriteLine(message);
                Assert.Fail(message);
            }
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} sequences (seeds {firstSeed}..{firstSeed + count - 1}), {operationsRun} operations, no failure"));
    }

    /// <summary>The reported cases and the shrunk sequences that once failed, kept as regressions.</summary>
    public static TheoryData<string> Regressions => new(s_regressions.Keys);

    private static readonly Dictionary<string, ModelOperation[]> s_regressions = new()
    {
        ["issue 8: mv a/f g; rmdir a; fsync /"] =
        [
            new(ModelOperationKind.Mkdir, "a"), new(ModelOperationKind.Create, "a/f"), new(ModelOperationKind.Write, "a/f", LengthBytes: 5, Seed: 1),
            new(ModelOperationKind.UnmountAndRemount, ""), new(ModelOperationKind.Rename, "a/f", "g"), new(ModelOperationKind.Rmdir, "a"),
            new(ModelOperationKind.FsyncDirectory, ""), new(ModelOperationKind.CrashKeepNone, ""),
        ],
        ["issue 8: mv a/b c; rmdir a; unmount"] =
        [
            new(ModelOperationKind.Mkdir, "a"), new(ModelOperationKind.Mkdir, "a/b"), new(ModelOperationKind.Create, "a/b/f"), new(ModelOperationKind.Write, "a/b/f", LengthBytes: 5, Seed: 2),
            new(ModelOperationKind.UnmountAndRemount, ""), new(ModelOperationKind.Rename, "a/b", "c"), new(ModelOperationKind.Rmdir, "a"),
        ],
        ["seed 68: two durable names swapped (recursion)"] =
        [
            new(ModelOperationKind.Create, "a"), new(ModelOperationKind.Create, "b"), new(ModelOperationKind.UnmountAndRemount, ""),
            new(ModelOperationKind.Rename, "a", "c"), new(ModelOperationKind.Rename, "b", "a"), new(ModelOperationKind.Rename, "c", "b"),
            new(ModelOperationKind.FsyncDirectory, ""), new(ModelOperationKind.CrashKeepNone, ""),
        ],
        ["seed 488: hard-linked symbolic links are one inode after remount"] =
        [
            new(ModelOperationKind.Mkdir, "a"), new(ModelOperationKind.Symlink, "a/c", "t7"), new(ModelOperationKind.FsyncDirectory, "a"),
            new(ModelOperationKind.Rename, "a/c", "b"), new(ModelOperationKind.FsyncDirectory, ""), new(ModelOperationKind.CrashKeepNone, ""),
            new(ModelOperationKind.Rename, "b", "a/c"),
        ],
        ["issue 16, seed 3 on the old tree code: a durable file moved three new levels deep, fsync of its old directory"] =
        [
            new(ModelOperationKind.Mkdir, "a"), new(ModelOperationKind.Mkdir, "a/b"), new(ModelOperationKind.Create, "a/b/c"), new(ModelOperationKind.UnmountAndRemount, ""),
            new(ModelOperationKind.Mkdir, "a/b/n"), new(ModelOperationKind.Mkdir, "a/b/n/m"), new(ModelOperationKind.Mkdir, "a/b/n/m/o"),
            new(ModelOperationKind.Rename, "a/b/c", "a/b/n/m/o/a"), new(ModelOperationKind.FsyncDirectory, "a/b"), new(ModelOperationKind.CrashKeepNone, ""),
        ],
        ["issue 16: durable directory moved into a new directory, fsync of the new directory"] =
        [
            new(ModelOperationKind.Mkdir, "c"), new(ModelOperationKind.Create, "c/f"), new(ModelOperationKind.Write, "c/f", LengthBytes: 5, Seed: 3), new(ModelOperationKind.UnmountAndRemount, ""),
            new(ModelOperationKind.Mkdir, "a"), new(ModelOperationKind.Rename, "c", "a/c"), new(ModelOperationKind.FsyncDirectory, "a"), new(ModelOperationKind.CrashKeepNone, ""),
        ],
        ["issue 16: exchanged durable directories, fsync of one parent"] =
        [
            new(ModelOperationKind.Mkdir, "p"), new(ModelOperationKind.Mkdir, "p/d"), new(ModelOperationKind.Create, "p/d/f"), new(ModelOperationKind.Mkdir, "q"),
            new(ModelOperationKind.Mkdir, "q/e"), new(ModelOperationKind.Create, "q/e/g"), new(ModelOperationKind.UnmountAndRemount, ""),
            new(ModelOperationKind.Exchange, "p/d", "q/e"), new(ModelOperationKind.FsyncDirectory, "p"), new(ModelOperationKind.CrashKeepNone, ""),
        ],
        ["seed 303: a directory replaced by its own durable child"] =
        [
            new(ModelOperationKind.Mkdir, "a"), new(ModelOperationKind.Mkdir, "a/b"), new(ModelOperationKind.UnmountAndRemount, ""),
            new(ModelOperationKind.Rename, "a/b", "b"), new(ModelOperationKind.Rename, "b", "a"),
        ],
    };

    [SkippableTheory]
    [MemberData(nameof(Regressions))]
    public void Regression_sequences_keep_passing(string name)
    {
        string? reason = TestMount.Unavailable();
        Skip.If(reason is not null, reason);
        (string? failure, int index) = ModelRunner.Run(s_regressions[name]);
        Assert.True(failure is null, $"{name}: step {index}: {failure}");
    }

    private static (ulong First, ulong Count) SeedRange()
    {
        if (ulong.TryParse(Environment.GetEnvironmentVariable("LOSSYFS_MODEL_SEED"), CultureInfo.InvariantCulture, out ulong seed))
        {
            return (seed, 1);
        }
        return ulong.TryParse(Environment.GetEnvironmentVariable("LOSSYFS_MODEL_SEQUENCES"), CultureInfo.InvariantCulture, out ulong count)
            ? (1UL, count)
            : (1UL, 300UL);
    }

    /// <summary>The sequence a seed names: generated against the oracle alone, so it does not depend on the mount.</summary>
    internal static List<ModelOperation> Generate(ulong seed)
    {
        var generator = new ModelGenerator(seed);
        var oracle = new NamespaceOracle();
        var operations = new List<ModelOperation>();
        // Every sequence starts from a durable tree (made durable by a clean unmount), so moves out
        // of durable directories, replacing renames and removals of durable names are frequent.
        List<ModelOperation> prefix =
        [
            new(ModelOperationKind.Mkdir, "a"), new(ModelOperationKind.Create, "a/a"), new(ModelOperationKind.Write, "a/a", LengthBytes: 700, Seed: seed),
            new(ModelOperationKind.Mkdir, "a/b"), new(ModelOperationKind.Create, "a/b/c"), new(ModelOperationKind.Write, "a/b/c", LengthBytes: 5000, Seed: seed + 1),
            new(ModelOperationKind.Create, "b"), new(ModelOperationKind.Write, "b", OffsetBytes: 100, LengthBytes: 300, Seed: seed + 2),
            new(ModelOperationKind.UnmountAndRemount, ""),
        ];
        int next = 0;
        while (operations.Count < OperationsPerSequence)
        {
            ModelOperation operation = next < prefix.Count ? prefix[next++] : generator.Next(oracle);
            operations.Add(operation);
            if (operation.Kind is ModelOperationKind.CrashKeepNone or ModelOperationKind.CrashKeepRandom)
            {
                oracle.AdoptDurable();
            }
            else if (operation.Kind == ModelOperationKind.UnmountAndRemount)
            {
                oracle.AdoptVisible();
            }
            else
            {
                ModelSemantics.Apply(oracle, operation);
            }
        }
        return operations;
    }

    /// <summary>Greedy delta debugging: drops chunks, then single steps, while the sequence still fails.</summary>
    private static (List<ModelOperation> Operations, string? Failure) Shrink(List<ModelOperation> operations)
    {
        DateTime deadline = DateTime.UtcNow + s_shrinkBudget;
        List<ModelOperation> current = operations;
        string? failure = ModelRunner.Run(current).Failure;
        for (int chunk = Math.Max(1, current.Count / 2); chunk >= 1 && DateTime.UtcNow < deadline; chunk /= 2)
        {
            for (int start = current.Count - chunk; start >= 0 && DateTime.UtcNow < deadline; start--)
            {
                var candidate = current.Take(start).Concat(current.Skip(start + chunk)).ToList();
                (string? candidateFailure, int index) = ModelRunner.Run(candidate);
                if (candidateFailure is not null)
                {
                    current = candidate.Take(index + 1).ToList();
                    failure = candidateFailure;
                    start = Math.Min(start, current.Count - chunk + 1);
                }
            }
        }
        return (current, failure);
    }
}
