using System.Text;
using Writeback.LossyFs.Tests.Mounted;
using Writeback.Simulation;

namespace Writeback.LossyFs.Tests.Fidelity;

/// <summary>
/// The simulator and LossyFs state the same rule for names (docs/lossyfs.md, "The rule"): the same
/// sequences of mkdir, renames (of files and directories, into new directories at any depth, swaps
/// through a temporary name) and directory fsyncs run through the simulator's in-memory tree and
/// on a real mount, then a power cut. The tree LossyFs leaves must be one the simulator allows,
/// and every tree the simulator allows must keep every file that was durable before the sequence.
/// </summary>
public sealed class SimulatorAgreementTests
{
    /// <summary>One sequence: the durable files it starts from, then its steps.</summary>
    public static TheoryData<string, string> Sequences => new()
    {
        { "c/f", "mkdir a; mv c a/c; fsyncdir a" },
        { "x/c/f", "mkdir n; mkdir n/m; mv x/c n/m/c; fsyncdir n/m" },
        { "x/c/f", "mkdir n; mkdir n/m; mv x/c n/m/c; fsyncdir n" },
        { "x/c/f", "mkdir n; mv x/c n/c; fsyncdir x" },
        { "x/f", "mkdir n; mv x/f n/f; fsyncdir x" },
        { "x/f", "mkdir n; mv x/f n/f; fsyncdir n; fsyncdir x" },
        { "x/f", "mkdir n; mv x/f n/f; fsyncdir n" },
        { "x/f", "mkdir n; mkdir n/m; mv x/f n/m/f; fsyncdir n/m; fsyncdir x" },
        { "x/f", "mkdir n; mkdir n/m; mv x/f n/m/f; fsyncdir n" },
        { "x/f", "mkdir n; mkdir n/m; mv x/f n/m/f; fsyncdir x; fsyncdir n/m" },
        { "p/d/f q/e/g", "mv p/d p/t; mv q/e p/d; mv p/t q/e; fsyncdir p" },
        { "p/d/f q/e/g", "mv p/d p/t; mv q/e p/d; mv p/t q/e; fsyncdir q" },
        { "a/f b/g", "mv a/f a/t; mv b/g a/f; mv a/t b/g; fsyncdir a" },
        { "a/f b/g", "mv a/f a/t; mv b/g a/f; mv a/t b/g; fsyncdir b; fsyncdir a" },
        { "d/f", "mkdir n; mv d n/d; mkdir n/m; mv n/d n/m/d; fsyncdir n/m; fsyncdir n" },
    };

    [SkippableTheory]
    [MemberData(nameof(Sequences))]
    public void LossyFs_leaves_a_tree_the_simulator_allows_and_the_simulator_keeps_every_durable_file(string durableFiles, string steps)
    {
        string[] files = durableFiles.Split(' ');
        string[] operations = steps.Split("; ");
        List<Dictionary<string, string>> allowed = SimulatedTrees(files, operations);
        foreach (Dictionary<string, string> tree in allowed)
        {
            for (int index = 0; index < files.Length; index++)
            {
                string content = Content(index);
                Assert.True(tree.Values.Any(value => value.StartsWith(content, StringComparison.Ordinal)),
                    $"the simulator allows a tree without {files[index]} ({content}) after '{steps}': {Show(tree)}");
            }
        }
        string? reason = TestMount.Unavailable();
        Skip.If(reason is not null, reason);
        Dictionary<string, string> real = LossyFsTree(files, operations);
        var names = allowed.Select(Show).Distinct().ToList();
        Assert.True(names.Contains(Show(real)), $"after '{steps}' LossyFs left {Show(real)}; the simulator allows only: {string.Join(" | ", names)}");
    }

    private static string Content(int index) => "DATA" + index;

    private static string Show(IReadOnlyDictionary<string, string> tree) => "{" + string.Join(" ", tree.Keys.Order(StringComparer.Ordinal)) + "}";

    private static List<Dictionary<string, string>> SimulatedTrees(string[] files, string[] operations)
    {
        SimulationRecord record = CrashExplorer.Record(new SequenceScenario(files, operations));
        return [.. CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount, new ExplorerOptions())
            .Select(image => image.ToDictionary(entry => entry.Key.TrimEnd('/'), entry => Encoding.Latin1.GetString(entry.Value)))];
    }

    private static Dictionary<string, string> LossyFsTree(string[] files, string[] operations)
    {
        using var mount = TestMount.Create(prepareBacking: backing =>
        {
            for (int index = 0; index < files.Length; index++)
            {
                string path = Path.Combine(backing, files[index]);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, Content(index));
            }
        });
        foreach (string operation in operations)
        {
            string[] parts = operation.Split(' ');
            switch (parts[0])
            {
                case "mkdir":
                    Directory.CreateDirectory(mount.Path(parts[1]));
                    break;
                case "mv":
                    Assert.Equal(0, Native.renameat2(Native.AT_FDCWD, mount.Path(parts[1]), Native.AT_FDCWD, mount.Path(parts[2]), 0));
                    break;
                default:
                    BasicMountTests.FsyncDirectory(parts.Length > 1 ? mount.Path(parts[1]) : mount.Mountpoint);
                    break;
            }
        }
        mount.Crash();
        var tree = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFileSystemEntries(mount.Backing, "*", SearchOption.AllDirectories))
        {
            tree[Path.GetRelativePath(mount.Backing, path)] = Directory.Exists(path) ? "" : File.ReadAllText(path);
        }
        return tree;
    }

    /// <summary>The sequence as a simulator scenario: the durable start (files fsynced, every directory fsynced), then the steps.</summary>
    private sealed class SequenceScenario(string[] files, string[] operations) : ICrashScenario
    {
        public string Name => "agreement";

        public void Run(IMappedStorage storage, Acknowledgements acknowledged)
        {
            var simulated = (SimulatedStorage)storage;
            var directories = new List<string>();
            for (int index = 0; index < files.Length; index++)
            {
                string parent = "";
                foreach (string part in files[index].Split('/')[..^1])
                {
                    parent = parent.Length == 0 ? part : parent + "/" + part;
                    if (!directories.Contains(parent))
                    {
                        simulated.CreateDirectory(parent);
                        directories.Add(parent);
                    }
                }
                using IMappedFile file = storage.Open(files[index], new MappedFileOptions { Length = 4096 });
                file.Write(0, Encoding.Latin1.GetBytes(Content(index)));
                file.FlushFile();
            }
            foreach (string directory in directories)
            {
                simulated.FlushDirectory(directory);
            }
            storage.FlushDirectory();
            foreach (string operation in operations)
            {
                string[] parts = operation.Split(' ');
                switch (parts[0])
                {
                    case "mkdir":
                        simulated.CreateDirectory(parts[1]);
                        break;
                    case "mv":
                        storage.Rename(parts[1], parts[2]);
                        break;
                    default:
                        simulated.FlushDirectory(parts.Length > 1 ? parts[1] : "");
                        break;
                }
            }
        }

        public CheckResult Check(IMappedStorage recovered, CrashContext context) => CheckResult.Ok;
    }
}
