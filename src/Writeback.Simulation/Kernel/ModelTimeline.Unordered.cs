using Writeback.Simulation.Storage;
namespace Writeback.Simulation.Kernel;

/// <summary>
/// Name changes that persist out of order (<see cref="NameSemantics.UnsyncedChangesPersistInOrder"/> false): a
/// crash image's names are not one directory state between the guaranteed and the in-memory one, but per name any
/// of the values that name had in those states (absent, or a file), independently of the other names. Such a mix
/// is a "mixed directory state" with an id at or above <see cref="MixedStateBase"/>, which <see cref="NamesAt"/>
/// and <see cref="DirectoryHash"/> resolve like a recorded state's ordinal.
/// </summary>
internal sealed partial class ModelTimeline
{
    /// <summary>The first id of a mixed directory state; recorded states' ordinals are below it.</summary>
    public const int MixedStateBase = 1 << 24;

    /// <summary>At most this many mixed states per crash point: the mixes deviating from the guaranteed names in the fewest names come first.</summary>
    public const int MixedStateLimit = 4096;

    private readonly List<IReadOnlyDictionary<string, int>> _mixedStates = [];
    private readonly Dictionary<string, int> _mixedIds = new(StringComparer.Ordinal);

    /// <summary>Whether name changes persist in order under this model (the directory states between guaranteed and memory are then the only ones).</summary>
    public bool NamesInOrder => Model.Names.UnsyncedChangesPersistInOrder;

    /// <summary>
    /// The mixed directory states a crash image may have at <paramref name="crashPointIndex"/> when names persist out
    /// of order: every combination, per name changed since <paramref name="guaranteed"/>, of a value it had in the
    /// states <paramref name="guaranteed"/>..<paramref name="memory"/> (a name in a subdirectory only while the
    /// subdirectory is named), fewest deviations first, at most <see cref="MixedStateLimit"/>. Empty when names persist in order.
    /// </summary>
    public IReadOnlyList<int> MixedStates(int level, int crashPointIndex, int guaranteed, int memory)
    {
        if (NamesInOrder || level == 0 || memory <= guaranteed)
        {
            return [];
        }
        var states = Enumerable.Range(guaranteed, memory - guaranteed + 1).Select(o => NamesAt(level, crashPointIndex, o)).ToArray();
        var baseNames = states[0];
        // Per changed name, the values other than the guaranteed one (-1: absent), in order of appearance.
        var changed = states.SelectMany(s => s.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(name => (Name: name, Values: states.Select(s => s.TryGetValue(name, out var id) ? id : -1).Distinct()
                                                       .Where(v => v != (baseNames.TryGetValue(name, out var b) ? b : -1)).ToArray()))
            .Where(c => c.Values.Length > 0).ToArray();
        var ids = new List<int>();
        for (var deviations = 1; deviations <= changed.Length && ids.Count < MixedStateLimit; deviations++)
        {
            foreach (var mix in Mixes(changed, deviations, 0, new Dictionary<string, int>(baseNames, StringComparer.Ordinal)))
            {
                ids.Add(MixedStateId(Reachable(mix)));
                if (ids.Count == MixedStateLimit)
                {
                    break;
                }
            }
        }
        return ids;
    }

    /// <summary>The mixes that change exactly <paramref name="deviations"/> of the names from <paramref name="first"/> on, applied to <paramref name="names"/>.</summary>
    private static IEnumerable<Dictionary<string, int>> Mixes((string Name, int[] Values)[] changed, int deviations, int first, Dictionary<string, int> names)
    {
        if (deviations == 0)
        {
            yield return new Dictionary<string, int>(names, StringComparer.Ordinal);
            yield break;
        }
        for (var index = first; index <= changed.Length - deviations; index++)
        {
            var (name, values) = changed[index];
            var had = names.TryGetValue(name, out var original);
            foreach (var value in values)
            {
                if (value < 0)
                {
                    names.Remove(name);
                }
                else
                {
                    names[name] = value;
                }
                foreach (var mix in Mixes(changed, deviations - 1, index + 1, names))
                {
                    yield return mix;
                }
            }
            if (had)
            {
                names[name] = original;
            }
            else
            {
                names.Remove(name);
            }
        }
    }

    /// <summary>Drops the names whose directory is not itself named (an entry of an unlinked directory is unreachable).</summary>
    private static Dictionary<string, int> Reachable(Dictionary<string, int> names)
    {
        bool Named(string path)
        {
            var slash = path.TrimEnd('/').LastIndexOf('/');
            return slash < 0 || (names.ContainsKey(path[..(slash + 1)]) && Named(path[..(slash + 1)]));
        }
        return names.Where(n => Named(n.Key)).ToDictionary(n => n.Key, n => n.Value, StringComparer.Ordinal);
    }

    private int MixedStateId(Dictionary<string, int> names)
    {
        var key = string.Join("\n", names.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"{n.Key}={n.Value}"));
        lock (_mixedStates)
        {
            if (!_mixedIds.TryGetValue(key, out var id))
            {
                id = MixedStateBase + _mixedStates.Count;
                _mixedStates.Add(names);
                _mixedIds.Add(key, id);
            }
            return id;
        }
    }

    /// <summary>A mixed state's names.</summary>
    private IReadOnlyDictionary<string, int> MixedNames(int id)
    {
        lock (_mixedStates)
        {
            return _mixedStates[id - MixedStateBase];
        }
    }

    /// <summary>The files a directory state, recorded or mixed, names.</summary>
    public HashSet<int> InodesNamed(int level, int crashPointIndex, int ordinal) =>
        ordinal < MixedStateBase && !_record.HasSubdirectories
            ? _record.DirectoryInodes(ordinal)
            : [.. NamesAt(level, crashPointIndex, ordinal).Values.Where(id => id != MemoryStorage.DirectoryEntryId)];
}
