using Writeback.Simulation.Kernel;
using Writeback.Simulation.Storage;
namespace Writeback.Simulation.Exploration;

/// <summary>Which part of a crash point's state space a <see cref="CrashPointSpace"/> holds.</summary>
internal enum SpaceScope
{
    /// <summary>Every choice.</summary>
    Full,

    /// <summary>Only what the all-lost state needs: the directory, the lengths and the pages a shrink cut.</summary>
    AllLostOnly,

    /// <summary>No choice: the memory image, which is the all-kept image of every crash kind.</summary>
    MemoryImage,
}

/// <summary>
/// Every post-crash state a model allows at one crash point for one crash kind: the choices (pages,
/// lengths, directory) the model does not guarantee, each with its options. A state is one option
/// index per choice; all zeros is the all-lost image, all "kept" options the all-kept image.
/// </summary>
/// <remarks>
/// Choices depend on each other, and only canonical states are generated: a file no name reaches in
/// the chosen directory state has its choices at 0, as has a page beyond its file's chosen length;
/// a page a shrink cut shows a version of the epoch its file's chosen length demands. Files no
/// directory state of the crash point names add no choices at all.
/// </remarks>
internal sealed class CrashPointSpace
{
    private readonly Dictionary<long, int> _pageChoiceIndex = [];
    private readonly Dictionary<int, int> _lengthChoiceIndex = [];
    private HashSet<int>[] _reachable = [];
    private InodeChoices[] _inodes = [];

    /// <param name="record">The record.</param>
    /// <param name="timeline">The model applied to it.</param>
    /// <param name="kind">The crash kind.</param>
    /// <param name="crashPointIndex">The crash point.</param>
    /// <param name="atomicWriteBytes">The atomic write unit.</param>
    /// <param name="scope">
    /// <see cref="SpaceScope.Full"/>; <see cref="SpaceScope.MemoryImage"/> for the all-kept image alone (the memory
    /// image, which every kind allows); <see cref="SpaceScope.AllLostOnly"/> for a space whose all-lost state is the
    /// full space's but without the choices of pages that are not cut (cheap at a crash point with many dirty pages).
    /// </param>
    public CrashPointSpace(SimulationRecord record, ModelTimeline timeline, CrashKind kind, int crashPointIndex, int atomicWriteBytes,
                           SpaceScope scope = SpaceScope.Full)
    {
        Record = record;
        Timeline = timeline;
        Kind = kind;
        CrashPointIndex = crashPointIndex;
        Scope = scope;
        Level = scope == SpaceScope.MemoryImage ? 0 : ModelTimeline.LevelOf(kind);
        BaseHash = timeline.BaseHash(Level, crashPointIndex);
        UnitBytes = Math.Min(atomicWriteBytes, record.PageSizeBytes);
        var choices = new List<Choice>();
        if (Level > 0)
        {
            AddDirectoryChoice(choices);
            var reachable = _reachable.Length == 1 ? _reachable[0] : _reachable.SelectMany(names => names).ToHashSet();
            AddLengthChoices(choices, reachable);
            AddPageChoices(choices, reachable, tear: kind == CrashKind.PowerLoss && UnitBytes < record.PageSizeBytes);
        }
        Choices = [.. choices];
        Independent = DirectoryChoiceIndex < 0 && _lengthChoiceIndex.Count == 0 && Choices.All(c => c.OptionsByEpoch is null);
        if (!Independent)
        {
            GroupByInode();
        }
    }

    /// <summary>
    /// Whether every combination of options is a canonical state: no directory or length choice,
    /// no cut page. Then counting is a product and enumeration an odometer (the common case).
    /// </summary>
    public bool Independent { get; }

    public SimulationRecord Record { get; }

    public SpaceScope Scope { get; }

    public ModelTimeline Timeline { get; }

    public CrashKind Kind { get; }

    public int CrashPointIndex { get; }

    /// <summary>0 memory (process crash), 1 device cache (kernel crash), 2 stable (power loss).</summary>
    public int Level { get; }

    public int UnitBytes { get; }

    public UInt128 BaseHash { get; }

    public Choice[] Choices { get; }

    public int DirectoryChoiceIndex { get; private set; } = -1;

    /// <summary>The number of canonical states, saturated at <see cref="long.MaxValue"/>.</summary>
    public long StateCount
    {
        get
        {
            if (Independent)
            {
                var product = 1L;
                foreach (var choice in Choices)
                {
                    product = Saturate.Multiply(product, choice.OptionCount);
                }
                return product;
            }
            var total = 0L;
            for (var directoryOption = 0; directoryOption < DirectoryOptionCount; directoryOption++)
            {
                var product = 1L;
                foreach (var group in ReachableGroups(directoryOption))
                {
                    product = Saturate.Multiply(product, CountOf(group));
                }
                total = Saturate.Add(total, product);
            }
            return total;
        }
    }

    public int PageChoiceIndex(long pageKey) => _pageChoiceIndex.TryGetValue(pageKey, out var index) ? index : -1;

    public int LengthChoiceIndex(int inodeId) => _lengthChoiceIndex.TryGetValue(inodeId, out var index) ? index : -1;

    /// <summary>The state's image hash: the all-lost hash with one XOR per deviating choice.</summary>
    public UInt128 Hash(int[] state)
    {
        var hash = BaseHash;
        for (var choiceIndex = 0; choiceIndex < state.Length; choiceIndex++)
        {
            hash ^= Choices[choiceIndex].HashDeltas[state[choiceIndex]];
        }
        return hash;
    }

    /// <summary>Every canonical state, all-lost first.</summary>
    public IEnumerable<int[]> ExhaustiveStates() => Independent ? Odometer() : Nested();

    private IEnumerable<int[]> Odometer()
    {
        var state = new int[Choices.Length];
        while (true)
        {
            yield return (int[])state.Clone();
            var position = 0;
            while (position < state.Length && ++state[position] == Choices[position].OptionCount)
            {
                state[position] = 0;
                position++;
            }
            if (position == state.Length)
            {
                yield break;
            }
        }
    }

    private IEnumerable<int[]> Nested()
    {
        var state = new int[Choices.Length];
        for (var directoryOption = 0; directoryOption < DirectoryOptionCount; directoryOption++)
        {
            if (DirectoryChoiceIndex >= 0)
            {
                state[DirectoryChoiceIndex] = directoryOption;
            }
            foreach (var complete in EnumerateGroups(state, [.. ReachableGroups(directoryOption)], 0))
            {
                yield return complete;
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="state"/> canonical: choices of files the chosen directory state does not
    /// name and of pages beyond the chosen length go to 0; a cut page showing a version of another
    /// epoch than its length demands takes that epoch's lost option (its kept one with
    /// <paramref name="preferKept"/>, a random one with <paramref name="randomIndex"/>).
    /// </summary>
    public void Normalize(int[] state, bool preferKept, Func<int, int>? randomIndex = null)
    {
        if (Independent && Level > 0)
        {
            return; // Every page of a reachable file is visible at its one possible length.
        }
        var reachable = _reachable.Length == 0 ? null : _reachable[DirectoryChoiceIndex >= 0 ? state[DirectoryChoiceIndex] : 0];
        foreach (var group in _inodes)
        {
            if (reachable is null || !reachable.Contains(group.InodeId))
            {
                Reset(state, group);
                continue;
            }
            var lengthOrdinal = LengthOrdinal(group, state);
            var lengthBytes = Record.LengthBytes(group.InodeId, lengthOrdinal);
            foreach (var choiceIndex in group.PageChoices)
            {
                var choice = Choices[choiceIndex];
                if ((long)choice.PageIndex * Record.PageSizeBytes >= lengthBytes)
                {
                    state[choiceIndex] = 0;
                    continue;
                }
                if (choice.OptionsOfEpoch(Record.EpochOfLength(ImageHash.PageKey(choice.InodeId, choice.PageIndex), lengthOrdinal)) is { } allowed
                    && Array.IndexOf(allowed, state[choiceIndex]) < 0)
                {
                    state[choiceIndex] = randomIndex is not null ? allowed[randomIndex(allowed.Length)]
                        : preferKept ? allowed[Math.Min(1, allowed.Length - 1)] : allowed[0];
                }
            }
        }
    }

    private int DirectoryOptionCount => DirectoryChoiceIndex >= 0 ? Choices[DirectoryChoiceIndex].OptionCount : 1;

    private IEnumerable<InodeChoices> ReachableGroups(int directoryOption) =>
        _reachable.Length == 0 ? [] : _inodes.Where(group => _reachable[directoryOption].Contains(group.InodeId));

    private int LengthOrdinal(InodeChoices group, int[] state) =>
        group.LengthChoice >= 0 ? Choices[group.LengthChoice].Options[state[group.LengthChoice]].Ordinal : group.FixedLengthOrdinal;

    private static void Reset(int[] state, InodeChoices group)
    {
        if (group.LengthChoice >= 0)
        {
            state[group.LengthChoice] = 0;
        }
        foreach (var choiceIndex in group.PageChoices)
        {
            state[choiceIndex] = 0;
        }
    }

    /// <summary>The page choices visible at a length, each with the options its epoch allows.</summary>
    private List<(int ChoiceIndex, int[] Allowed)> VisiblePages(InodeChoices group, int lengthOrdinal)
    {
        var lengthBytes = Record.LengthBytes(group.InodeId, lengthOrdinal);
        var visible = new List<(int, int[])>();
        foreach (var choiceIndex in group.PageChoices)
        {
            var choice = Choices[choiceIndex];
            if ((long)choice.PageIndex * Record.PageSizeBytes < lengthBytes)
            {
                var pageKey = ImageHash.PageKey(choice.InodeId, choice.PageIndex);
                visible.Add((choiceIndex, choice.OptionsOfEpoch(Record.EpochOfLength(pageKey, lengthOrdinal))
                                          ?? [.. Enumerable.Range(0, choice.OptionCount)]));
            }
        }
        return visible;
    }

    private long CountOf(InodeChoices group)
    {
        var lengthOptions = group.LengthChoice >= 0 ? Choices[group.LengthChoice].OptionCount : 1;
        var count = 0L;
        var state = new int[Choices.Length];
        for (var lengthOption = 0; lengthOption < lengthOptions; lengthOption++)
        {
            if (group.LengthChoice >= 0)
            {
                state[group.LengthChoice] = lengthOption;
            }
            var product = 1L;
            foreach (var (_, allowed) in VisiblePages(group, LengthOrdinal(group, state)))
            {
                product = Saturate.Multiply(product, allowed.Length);
            }
            count = Saturate.Add(count, product);
        }
        return count;
    }

    private IEnumerable<int[]> EnumerateGroups(int[] state, InodeChoices[] groups, int groupIndex)
    {
        if (groupIndex == groups.Length)
        {
            yield return (int[])state.Clone();
            yield break;
        }
        var group = groups[groupIndex];
        var lengthOptions = group.LengthChoice >= 0 ? Choices[group.LengthChoice].OptionCount : 1;
        for (var lengthOption = 0; lengthOption < lengthOptions; lengthOption++)
        {
            if (group.LengthChoice >= 0)
            {
                state[group.LengthChoice] = lengthOption;
            }
            var slots = VisiblePages(group, LengthOrdinal(group, state));
            var positions = new int[slots.Count];
            while (true)
            {
                for (var slot = 0; slot < slots.Count; slot++)
                {
                    state[slots[slot].ChoiceIndex] = slots[slot].Allowed[positions[slot]];
                }
                foreach (var complete in EnumerateGroups(state, groups, groupIndex + 1))
                {
                    yield return complete;
                }
                var position = 0;
                while (position < slots.Count && ++positions[position] == slots[position].Allowed.Length)
                {
                    positions[position] = 0;
                    position++;
                }
                if (position == slots.Count)
                {
                    break;
                }
            }
            Reset(state, group);
        }
    }

    /// <summary>The files a crash image choosing directory state <paramref name="ordinal"/> can reach by name.</summary>
    private HashSet<int> InodesNamedAt(int ordinal) => Timeline.InodesNamed(Level, CrashPointIndex, ordinal);

    private void AddDirectoryChoice(List<Choice> choices)
    {
        var guaranteed = Timeline.GuaranteedDirectory(Level, CrashPointIndex);
        var memory = Record.DirectoryMemoryOrdinal(CrashPointIndex);
        if (guaranteed >= memory)
        {
            _reachable = [InodesNamedAt(guaranteed)];
            return;
        }
        // Directory states with the same names pointing at the same files are one image (a name created and deleted again).
        // Out of order (a model's choice), each name may also keep any of its values independently of the others.
        var ordinals = OrderOptions(guaranteed, memory).Concat(Timeline.MixedStates(Level, CrashPointIndex, guaranteed, memory))
            .DistinctBy(o => string.Join("/", Timeline.NamesAt(Level, CrashPointIndex, o).OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"{n.Key}={n.Value}")))
            .ToArray();
        if (ordinals.Length == 1)
        {
            _reachable = [InodesNamedAt(guaranteed)];
            return;
        }
        _reachable = [.. ordinals.Select(InodesNamedAt)];
        var guaranteedHash = Timeline.DirectoryHash(Level, CrashPointIndex, guaranteed);
        var hashes = ordinals.Select(o => Timeline.DirectoryHash(Level, CrashPointIndex, o) ^ guaranteedHash).ToArray();
        DirectoryChoiceIndex = choices.Count;
        choices.Add(new Choice(ChoiceKind.Directory, -1, -1, [.. ordinals.Select(o => new PageOption(o, 0))], hashes));
    }

    private void AddLengthChoices(List<Choice> choices, HashSet<int> reachable)
    {
        foreach (var inodeId in Timeline.UnguaranteedLengths(Level, CrashPointIndex))
        {
            var guaranteed = Timeline.GuaranteedLength(Level, inodeId, CrashPointIndex);
            var memory = Record.LengthMemoryOrdinal(inodeId, CrashPointIndex);
            if (memory < guaranteed || !reachable.Contains(inodeId))
            {
                continue;
            }
            var ordinals = OrderOptions(guaranteed, memory);
            var hashes = ordinals.Select(o => ImageHash.Length(inodeId, o) ^ ImageHash.Length(inodeId, guaranteed)).ToArray();
            _lengthChoiceIndex[inodeId] = choices.Count;
            choices.Add(new Choice(ChoiceKind.Length, inodeId, -1, [.. ordinals.Select(o => new PageOption(o, 0))], hashes));
        }
    }

    private void AddPageChoices(List<Choice> choices, HashSet<int> reachable, bool tear)
    {
        var pageKeys = Scope == SpaceScope.AllLostOnly
            ? reachable.SelectMany(Record.CutPagesOf)
            : Timeline.UnguaranteedPages(Level, CrashPointIndex).Where(pageKey => reachable.Contains(ImageHash.InodeOf(pageKey)));
        if (_lengthChoiceIndex.Count > 0)
        {
            // A cut page may need a choice although it is clean: its file's length can still go back across the cut.
            pageKeys = pageKeys.Concat(_lengthChoiceIndex.Keys.SelectMany(Record.CutPagesOf)).Distinct().Order();
        }
        foreach (var pageKey in pageKeys)
        {
            var guaranteed = Timeline.GuaranteedPage(Level, pageKey, CrashPointIndex);
            var memory = Record.MemoryOrdinal(pageKey, CrashPointIndex);
            if (Record.HasCuts(pageKey))
            {
                AddEpochPageChoice(choices, pageKey, guaranteed, tear);
                continue;
            }
            if (memory <= guaranteed)
            {
                continue;
            }
            var options = new List<PageOption>();
            foreach (var ordinal in OrderOptions(guaranteed, memory))
            {
                options.Add(new PageOption(ordinal, 0));
            }
            if (tear)
            {
                AddTornOptions(pageKey, guaranteed, guaranteed + 1, memory, options);
            }
            AddPageChoice(choices, pageKey, guaranteed, options);
        }
    }

    private void AddPageChoice(List<Choice> choices, long pageKey, int guaranteed, List<PageOption> options, int firstEpoch = 0, int[][]? optionsByEpoch = null)
    {
        var baseHash = ImageHash.Page(pageKey, guaranteed);
        var hashes = options.Select(o => baseHash ^ (o.NewUnitMask == 0 ? ImageHash.Page(pageKey, o.Ordinal) : ImageHash.Torn(pageKey, o.Ordinal, o.NewUnitMask))).ToArray();
        _pageChoiceIndex[pageKey] = choices.Count;
        choices.Add(new Choice(ChoiceKind.Page, ImageHash.InodeOf(pageKey), ImageHash.PageOf(pageKey), [.. options], hashes, firstEpoch, optionsByEpoch));
    }

    /// <summary>
    /// A page a shrink cut: per epoch its file's possible lengths demand, the versions from that
    /// epoch's guaranteed one to its newest. Options: the first epoch's lost version, the last
    /// epoch's newest, then the rest.
    /// </summary>
    private void AddEpochPageChoice(List<Choice> choices, long pageKey, int guaranteed, bool tear)
    {
        var inodeId = ImageHash.InodeOf(pageKey);
        var lengthOrdinals = _lengthChoiceIndex.TryGetValue(inodeId, out var lengthChoice)
            ? choices[lengthChoice].Options.Select(o => o.Ordinal)
            : [Timeline.GuaranteedLength(Level, inodeId, CrashPointIndex)];
        var epochs = lengthOrdinals.Select(k => Record.EpochOfLength(pageKey, k)).Distinct().Order().ToArray();
        var perEpoch = new List<List<PageOption>>();
        foreach (var epoch in epochs)
        {
            var (lo, hi) = Timeline.EpochRange(Level, pageKey, CrashPointIndex, epoch);
            var options = lo == hi ? [new PageOption(lo, 0)] : OrderOptions(lo, hi).Select(o => new PageOption(o, 0)).ToList();
            if (tear)
            {
                AddTornOptions(pageKey, lo, lo + 1, hi, options);
            }
            perEpoch.Add(options);
        }
        if (perEpoch.Count == 1 && perEpoch[0].Count == 1 && perEpoch[0][0].Ordinal == guaranteed)
        {
            return;
        }
        var all = new List<PageOption> { perEpoch[0][0] };
        var byEpoch = perEpoch.Select(_ => new List<int>()).ToArray();
        byEpoch[0].Add(0);
        var last = perEpoch.Count - 1;
        var keptIndex = Math.Min(1, perEpoch[last].Count - 1);
        if (last > 0 || keptIndex > 0)
        {
            byEpoch[last].Add(all.Count);
            all.Add(perEpoch[last][keptIndex]);
        }
        for (var epochIndex = 0; epochIndex < perEpoch.Count; epochIndex++)
        {
            for (var optionIndex = 0; optionIndex < perEpoch[epochIndex].Count; optionIndex++)
            {
                var taken = (epochIndex == 0 && optionIndex == 0) || (epochIndex == last && optionIndex == keptIndex);
                if (!taken)
                {
                    byEpoch[epochIndex].Add(all.Count);
                    all.Add(perEpoch[epochIndex][optionIndex]);
                }
            }
        }
        // Each epoch's list starts with its lost option, then its kept one.
        var lists = byEpoch.Select((list, epochIndex) => list.OrderBy(o => Rank(all[o], perEpoch[epochIndex])).ToArray()).ToArray();
        AddPageChoice(choices, pageKey, guaranteed, all, epochs[0], epochs.Length == epochs[^1] - epochs[0] + 1 ? lists : Spread(epochs, lists));
    }

    private static int Rank(PageOption option, List<PageOption> epochOptions) => epochOptions.IndexOf(option);

    /// <summary>Per epoch from the first to the last, the option lists; epochs no length demands get none.</summary>
    private static int[][] Spread(int[] epochs, int[][] lists)
    {
        var spread = new int[epochs[^1] - epochs[0] + 1][];
        for (var index = 0; index < spread.Length; index++)
        {
            spread[index] = [];
        }
        for (var index = 0; index < epochs.Length; index++)
        {
            spread[epochs[index] - epochs[0]] = lists[index];
        }
        return spread;
    }

    /// <summary>Torn mixes of <paramref name="lost"/> with each version from <paramref name="firstNewer"/> to <paramref name="memory"/>: every proper, non-empty subset of the units where they differ.</summary>
    private void AddTornOptions(long pageKey, int lost, int firstNewer, int memory, List<PageOption> options)
    {
        var oldBytes = Record.PageBytes(pageKey, lost);
        for (var ordinal = firstNewer; ordinal <= memory; ordinal++)
        {
            var differing = DifferingUnits(oldBytes, Record.PageBytes(pageKey, ordinal), UnitBytes);
            var unitCount = ulong.PopCount(differing);
            if (unitCount < 2 || unitCount > 16)
            {
                // One differing unit cannot tear; more than 16 would add over 65,534 options to one
                // page, so only the mixes that split the differing units into a prefix and a suffix are added.
                if (unitCount > 16)
                {
                    AddPrefixSuffixMixes(ordinal, differing, options);
                }
                continue;
            }
            var subsetCount = (1UL << (int)unitCount) - 2;
            for (var subset = 1UL; subset <= subsetCount; subset++)
            {
                options.Add(new PageOption(ordinal, ScatterBits(subset, differing)));
            }
        }
    }

    private static void AddPrefixSuffixMixes(int ordinal, ulong differing, List<PageOption> options)
    {
        var prefix = 0UL;
        var remaining = differing;
        while (ulong.PopCount(remaining) > 1)
        {
            var lowest = remaining & (~remaining + 1);
            prefix |= lowest;
            remaining &= ~lowest;
            options.Add(new PageOption(ordinal, prefix));
            options.Add(new PageOption(ordinal, differing & ~prefix));
        }
    }

    public static ulong DifferingUnits(byte[] oldBytes, byte[] newBytes, int unitBytes)
    {
        var mask = 0UL;
        for (var unitIndex = 0; unitIndex * unitBytes < oldBytes.Length; unitIndex++)
        {
            var start = unitIndex * unitBytes;
            if (!oldBytes.AsSpan(start, unitBytes).SequenceEqual(newBytes.AsSpan(start, unitBytes)))
            {
                mask |= 1UL << unitIndex;
            }
        }
        return mask;
    }

    /// <summary>Places the low bits of <paramref name="compact"/> at the set positions of <paramref name="positions"/> (a software pdep).</summary>
    private static ulong ScatterBits(ulong compact, ulong positions)
    {
        var result = 0UL;
        for (var bit = 0; positions != 0; bit++)
        {
            var lowest = positions & (~positions + 1);
            if ((compact & (1UL << bit)) != 0)
            {
                result |= lowest;
            }
            positions &= ~lowest;
        }
        return result;
    }

    /// <summary>Lost first, kept second, then the versions in between, oldest first.</summary>
    private static int[] OrderOptions(int guaranteed, int memory)
    {
        var ordinals = new int[memory - guaranteed + 1];
        ordinals[0] = guaranteed;
        ordinals[1] = memory;
        for (var index = 2; index < ordinals.Length; index++)
        {
            ordinals[index] = guaranteed + index - 1;
        }
        return ordinals;
    }

    /// <summary>The choices of one file the crash point's directory states name: its length (or the fixed length) and its pages.</summary>
    private void GroupByInode()
    {
        var groups = new Dictionary<int, (int LengthChoice, List<int> Pages)>();
        for (var choiceIndex = 0; choiceIndex < Choices.Length; choiceIndex++)
        {
            var choice = Choices[choiceIndex];
            if (choice.Kind == ChoiceKind.Directory)
            {
                continue;
            }
            if (!groups.TryGetValue(choice.InodeId, out var group))
            {
                group = (-1, []);
            }
            groups[choice.InodeId] = choice.Kind == ChoiceKind.Length ? (choiceIndex, group.Pages) : (group.LengthChoice, [.. group.Pages, choiceIndex]);
        }
        _inodes = [.. groups.OrderBy(g => g.Key).Select(g => new InodeChoices(g.Key, g.Value.LengthChoice,
            Timeline.GuaranteedLength(Level, g.Key, CrashPointIndex), [.. g.Value.Pages]))];
    }

    /// <summary>One file's choices.</summary>
    private sealed record InodeChoices(int InodeId, int LengthChoice, int FixedLengthOrdinal, int[] PageChoices);
}
