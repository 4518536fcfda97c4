using Writeback.LossyFs.Volatile;
using Writeback.Prng;

namespace Writeback.LossyFs.Tests.Model;

/// <summary>
/// Draws the next operation from the oracle's visible state with the project's seeded PRNG
/// (SplitMix64 as a counter-based stream), so a seed names one sequence exactly. Three names and
/// two directory levels keep collisions (replacing renames, moves out of removed directories) frequent.
/// </summary>
internal sealed class ModelGenerator(ulong seed)
{
    private static readonly string[] s_names = ["a", "b", "c"];

    // Names of the new directories a move goes into (never drawn by NewPath, so they are new).
    private static readonly string[] s_newNames = ["n", "m", "o"];

    // Weights per kind, in ModelOperationKind order (the last, MoveIntoNewDirectories, expands into several steps).
    private static readonly int[] s_weights = [10, 12, 4, 8, 3, 8, 9, 16, 4, 6, 3, 16, 2, 2, 2, 4, 8];

    private readonly Queue<ModelOperation> _pending = new();
    private ulong _counter;

    private ulong Next() => SplitMix64.OutputAt(seed ^ SplitMix64.OutputAt(++_counter));

    private int Below(int bound) => (int)(Next() % (ulong)bound);

    private T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];

    public ModelOperation Next(NamespaceOracle oracle)
    {
        if (_pending.Count > 0)
        {
            return _pending.Dequeue();
        }
        SortedDictionary<string, ExpectedEntry> image = oracle.VisibleImage();
        var files = image.Where(entry => entry.Value.Kind == 'f').Select(entry => entry.Key[1..]).ToList();
        var directories = image.Where(entry => entry.Value.Kind == 'd').Select(entry => entry.Key[1..]).Prepend("").ToList();
        var any = image.Keys.Select(key => key[1..]).ToList();
        var kind = (ModelOperationKind)PickWeighted();
        string NewPath() => Join(Pick(directories.Where(directory => Depth(directory) < 2).ToList()), Pick(s_names));
        string FileOr(string fallback) => files.Count > 0 ? Pick(files) : fallback;
        return kind switch
        {
            ModelOperationKind.Create or ModelOperationKind.Mkdir => new ModelOperation(kind, NewPath()),
            ModelOperationKind.Symlink => new ModelOperation(kind, NewPath(), "t" + Below(100)),
            ModelOperationKind.Write => new ModelOperation(kind, FileOr(NewPath()), OffsetBytes: Below(3) == 0 ? Below(12000) : Below(600), LengthBytes: 1 + Below(Below(4) == 0 ? 9000 : 700), Seed: Next()),
            ModelOperationKind.Truncate => new ModelOperation(kind, FileOr(NewPath()), OffsetBytes: Below(9000)),
            ModelOperationKind.Fsync or ModelOperationKind.Fdatasync or ModelOperationKind.Unlink => new ModelOperation(kind, any.Count > 0 && Below(5) == 0 ? Pick(any) : FileOr(NewPath())),
            ModelOperationKind.Rmdir => new ModelOperation(kind, directories.Count > 1 ? Pick(directories.Skip(1).ToList()) : NewPath()),
            ModelOperationKind.FsyncDirectory => new ModelOperation(kind, Pick(directories)),
            ModelOperationKind.Rename => new ModelOperation(kind, any.Count > 0 ? Pick(any) : NewPath(), Below(3) == 0 && any.Count > 0 ? Pick(any) : NewPath()),
            ModelOperationKind.Link => new ModelOperation(kind, FileOr(NewPath()), NewPath()),
            ModelOperationKind.CrashKeepRandom => new ModelOperation(kind, "", Seed: Next() % 1000),
            ModelOperationKind.Exchange => new ModelOperation(kind, any.Count > 0 ? Pick(any) : NewPath(), any.Count > 0 ? Pick(any) : NewPath()),
            ModelOperationKind.MoveIntoNewDirectories => QueueMoveIntoNewDirectories(any, directories),
            _ => new ModelOperation(kind, ""),
        };
    }

    /// <summary>
    /// Queues: mkdir of a chain of 1-3 new directories under an existing one, a move of an existing
    /// file or directory (usually a durable one) to the innermost, then zero to two fsyncs drawn from
    /// the move's old directory, the innermost new directory, an intermediate one and the base.
    /// </summary>
    private ModelOperation QueueMoveIntoNewDirectories(List<string> any, List<string> directories)
    {
        string basePath = Pick(directories);
        int levels = 1 + Below(3);
        var chain = new List<string>();
        string current = basePath;
        for (int level = 0; level < levels; level++)
        {
            current = Join(current, s_newNames[level]);
            chain.Add(current);
            _pending.Enqueue(new ModelOperation(ModelOperationKind.Mkdir, current));
        }
        string source = any.Count > 0 ? Pick(any) : Join(basePath, Pick(s_names));
        string sourceParent = NamespaceOracle.ParentOf(source).Parent;
        _pending.Enqueue(new ModelOperation(ModelOperationKind.Rename, source, Join(current, Pick(s_names))));
        string[] fsyncCandidates = [sourceParent, current, chain[Below(chain.Count)], basePath];
        int fsyncCount = Below(3);
        for (int index = 0; index < fsyncCount; index++)
        {
            _pending.Enqueue(new ModelOperation(ModelOperationKind.FsyncDirectory, Pick(fsyncCandidates)));
        }
        return _pending.Dequeue();
    }

    private int PickWeighted()
    {
        int roll = Below(s_weights.Sum());
        for (int index = 0; index < s_weights.Length; index++)
        {
            roll -= s_weights[index];
            if (roll < 0)
            {
                return index;
            }
        }
        return 0;
    }

    private static string Join(string directory, string name) => directory.Length == 0 ? name : directory + "/" + name;

    private static int Depth(string directory) => directory.Length == 0 ? 0 : directory.Count(character => character == '/') + 1;
}
