using Writeback.Simulation.Exploration;
using Writeback.Simulation.Recording;
using Writeback.Simulation.Storage;
namespace Writeback.Simulation.Kernel;

/// <summary>
/// The directory job of the timeline: which directory state's names are guaranteed at a level and
/// crash point, and the names (and their hash) a crash image has for a chosen directory state.
/// </summary>
internal sealed partial class ModelTimeline
{
    /// <summary>
    /// The oldest directory state a crash image may start from: with subdirectories, the oldest state
    /// any directory's names are guaranteed at (the names of each directory are then taken from the
    /// newer of that state and the directory's own guaranteed one, <see cref="NamesAt"/>).
    /// </summary>
    public int GuaranteedDirectory(int level, int crashPointIndex)
    {
        if (level == 0)
        {
            return _record.DirectoryMemoryOrdinal(crashPointIndex);
        }
        if (!_record.HasSubdirectories)
        {
            return GuaranteedNamesOf(level, 0, crashPointIndex);
        }
        var oldest = int.MaxValue;
        foreach (var directoryId in _directoryIds)
        {
            oldest = Math.Min(oldest, GuaranteedNamesOf(level, directoryId, crashPointIndex));
        }
        return oldest;
    }

    /// <summary>
    /// The directory state whose entries of directory <paramref name="directoryId"/> (0 the root) are
    /// guaranteed: at least the state that created it (empty then, as in every state before it).
    /// </summary>
    private int GuaranteedNamesOf(int level, int directoryId, int crashPointIndex) =>
        Math.Max(_directoryCreatedAt.GetValueOrDefault(directoryId),
                 _levels[level].Directories.TryGetValue(directoryId, out var timeline) ? LookupList(timeline, crashPointIndex) : 0);

    /// <summary>
    /// The names a crash image has when the directory state chosen is <paramref name="ordinal"/>: one
    /// directory: that state's. With subdirectories, each directory's entries come from the newer of
    /// <paramref name="ordinal"/> and the state its last fsync guaranteed (strict POSIX: an fsync of a
    /// directory makes only its own entries durable), and a name survives only if every directory on
    /// its path is itself named (an entry in a directory that is not linked is unreachable).
    /// </summary>
    public IReadOnlyDictionary<string, int> NamesAt(int level, int crashPointIndex, int ordinal)
    {
        if (ordinal >= MixedStateBase)
        {
            return MixedNames(ordinal);
        }
        if (level == 0 || !_record.HasSubdirectories)
        {
            return _record.DirectoryNames(ordinal);
        }
        return _resolvedNames.GetOrAdd((level, crashPointIndex, ordinal), key => ResolveNames(key.Level, key.CrashPointIndex, key.Ordinal));
    }

    /// <summary>The hash of the names <see cref="NamesAt"/> gives (one directory: of the state's ordinal; else of the names themselves).</summary>
    public UInt128 DirectoryHash(int level, int crashPointIndex, int ordinal)
    {
        if (!_record.HasSubdirectories)
        {
            return ImageHash.Directory(ordinal); // a mixed state's id is beyond every recorded ordinal
        }
        var names = NamesAt(level, crashPointIndex, ordinal);
        var key = string.Join("\n", names.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"{n.Key}={n.Value}"));
        lock (_namesIds)
        {
            if (!_namesIds.TryGetValue(key, out var id))
            {
                _namesIds.Add(key, id = _namesIds.Count + 1);
            }
            return ImageHash.Directory(id);
        }
    }

    private readonly int[] _directoryIds;
    /// <summary>Each directory id and the first directory state holding it.</summary>
    private readonly Dictionary<int, int> _directoryCreatedAt;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, ILookup<int, TreeEntry>> _children = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int Level, int CrashPointIndex, int Ordinal), IReadOnlyDictionary<string, int>> _resolvedNames = new();
    private readonly Dictionary<string, int> _namesIds = new(StringComparer.Ordinal);
    /// <summary>Renames between two directories: the directory state they made, and both directories' ids.</summary>
    private readonly List<(int Ordinal, int Source, int[] Targets)> _crossRenames = [];

    /// <summary>
    /// Walks the tree from the root: each directory's entries from its own state, so only what is
    /// reachable through named directories is in the image (a directory reached twice, through the old
    /// and the new name of a rename, is listed once).
    /// </summary>
    private IReadOnlyDictionary<string, int> ResolveNames(int level, int crashPointIndex, int ordinal)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var visited = new HashSet<int> { 0 };
        var pending = new Queue<(int Id, string Prefix)>([(0, "")]);
        while (pending.TryDequeue(out var directory))
        {
            var state = Math.Max(ordinal, GuaranteedNamesOf(level, directory.Id, crashPointIndex));
            foreach (var entry in ChildrenAt(state)[directory.Id])
            {
                if (entry.DirectoryId < 0)
                {
                    names.TryAdd(directory.Prefix + entry.Name, entry.InodeId);
                }
                else if (visited.Add(entry.DirectoryId) && names.TryAdd(directory.Prefix + entry.Name + "/", MemoryStorage.DirectoryEntryId))
                {
                    pending.Enqueue((entry.DirectoryId, directory.Prefix + entry.Name + "/"));
                }
            }
        }
        return names;
    }

    /// <summary>A directory state's entries by the directory holding them.</summary>
    private ILookup<int, TreeEntry> ChildrenAt(int ordinal) =>
        _children.GetOrAdd(ordinal, o => (_record.DirectoryTrees[o] ?? [.. _record.DirectoryNames(o).Select(n => new TreeEntry(0, n.Key, n.Value, -1))])
            .ToLookup(entry => entry.Parent));

    /// <summary>The id of the directory at <paramref name="path"/> ("" the root) in a directory state, or -1.</summary>
    private int DirectoryIdAt(int ordinal, string path)
    {
        var id = 0;
        foreach (var part in path.Length == 0 ? [] : path.Split('/'))
        {
            id = ChildrenAt(ordinal)[id].FirstOrDefault(entry => entry.Name == part && entry.DirectoryId >= 0, new TreeEntry(0, "", 0, -1)).DirectoryId;
            if (id < 0)
            {
                return -1;
            }
        }
        return id;
    }

    private static Dictionary<int, int> EveryDirectory(SimulationRecord record)
    {
        var createdAt = new Dictionary<int, int> { [0] = 0 };
        for (var ordinal = 0; ordinal < record.DirectoryTrees.Count; ordinal++)
        {
            foreach (var entry in record.DirectoryTrees[ordinal] ?? [])
            {
                if (entry.DirectoryId > 0)
                {
                    createdAt.TryAdd(entry.DirectoryId, ordinal);
                }
            }
        }
        return createdAt;
    }
}
