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
internal sealed partial class CrashPointSpace
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
            HashSet<int> reachable = _reachable.Length == 1 ? _reachable[0] : _reachable.SelectMany(names => names).ToHashSet();
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
                long product = 1L;
                foreach (Choice choice in Choices)
                {
                    product = Saturate.Multiply(product, choice.OptionCount);
                }
                return product;
            }
            long total = 0L;
            for (int directoryOption = 0; directoryOption < DirectoryOptionCount; directoryOption++)
            {
                long product = 1L;
                foreach (InodeChoices group in ReachableGroups(directoryOption))
                {
                    product = Saturate.Multiply(product, CountOf(group));
                }
                total = Saturate.Add(total, product);
            }
            return total;
        }
    }

    public int PageChoiceIndex(long pageKey) => _pageChoiceIndex.TryGetValue(pageKey, out int index) ? index : -1;

    public int LengthChoiceIndex(int inodeId) => _lengthChoiceIndex.TryGetValue(inodeId, out int index) ? index : -1;

    /// <summary>The state's image hash: the all-lost hash with one XOR per deviating choice.</summary>
    public UInt128 Hash(int[] state)
    {
        UInt128 hash = BaseHash;
        for (int choiceIndex = 0; choiceIndex < state.Length; choiceIndex++)
        {
            hash ^= Choices[choiceIndex].HashDeltas[state[choiceIndex]];
        }
        return hash;
    }

    /// <summary>Every canonical state, all-lost first.</summary>
    public IEnumerable<int[]> ExhaustiveStates() => Independent ? Odometer() : Nested();

    private IEnumerable<int[]> Odometer()
    {
        int[] state = new int[Choices.Length];
        while (true)
        {
            yield return (int[])state.Clone();
            int position = 0;
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
        int[] state = new int[Choices.Length];
        for (int directoryOption = 0; directoryOption < DirectoryOptionCount; directoryOption++)
        {
            if (DirectoryChoiceIndex >= 0)
            {
                state[DirectoryChoiceIndex] = directoryOption;
            }
            foreach (int[] complete in EnumerateGroups(state, [.. ReachableGroups(directoryOption)], 0))
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
        HashSet<int>? reachable = _reachable.Length == 0 ? null : _reachable[DirectoryChoiceIndex >= 0 ? state[DirectoryChoiceIndex] : 0];
        foreach (InodeChoices group in _inodes)
        {
            if (reachable is null || !reachable.Contains(group.InodeId))
            {
                Reset(state, group);
                continue;
            }
            int lengthOrdinal = LengthOrdinal(group, state);
            long lengthBytes = Record.LengthBytes(group.InodeId, lengthOrdinal);
            foreach (int choiceIndex in group.PageChoices)
            {
                Choice choice = Choices[choiceIndex];
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
        foreach (int choiceIndex in group.PageChoices)
        {
            state[choiceIndex] = 0;
        }
    }

    /// <summary>The page choices visible at a length, each with the options its epoch allows.</summary>
    private List<(int ChoiceIndex, int[] Allowed)> VisiblePages(InodeChoices group, int lengthOrdinal)
    {
        long lengthBytes = Record.LengthBytes(group.InodeId, lengthOrdinal);
        var visible = new List<(int, int[])>();
        foreach (int choiceIndex in group.PageChoices)
        {
            Choice choice = Choices[choiceIndex];
            if ((long)choice.PageIndex * Record.PageSizeBytes < lengthBytes)
            {
                long pageKey = ImageHash.PageKey(choice.InodeId, choice.PageIndex);
                visible.Add((choiceIndex, choice.OptionsOfEpoch(Record.EpochOfLength(pageKey, lengthOrdinal))
                                          ?? [.. Enumerable.Range(0, choice.OptionCount)]));
            }
        }
        return visible;
    }

    private long CountOf(InodeChoices group)
    {
        int lengthOptions = group.LengthChoice >= 0 ? Choices[group.LengthChoice].OptionCount : 1;
        long count = 0L;
        int[] state = new int[Choices.Length];
        for (int lengthOption = 0; lengthOption < lengthOptions; lengthOption++)
        {
            if (group.LengthChoice >= 0)
            {
                state[group.LengthChoice] = lengthOption;
            }
            long product = 1L;
            foreach ((int _, int[]? allowed) in VisiblePages(group, LengthOrdinal(group, state)))
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
        InodeChoices group = groups[groupIndex];
        int lengthOptions = group.LengthChoice >= 0 ? Choices[group.LengthChoice].OptionCount : 1;
        for (int lengthOption = 0; lengthOption < lengthOptions; lengthOption++)
        {
            if (group.LengthChoice >= 0)
            {
                state[group.LengthChoice] = lengthOption;
            }
            List<(int ChoiceIndex, int[] Allowed)> slots = VisiblePages(group, LengthOrdinal(group, state));
            int[] positions = new int[slots.Count];
            while (true)
            {
                for (int slot = 0; slot < slots.Count; slot++)
                {
                    state[slots[slot].ChoiceIndex] = slots[slot].Allowed[positions[slot]];
                }
                foreach (int[] complete in EnumerateGroups(state, groups, groupIndex + 1))
                {
                    yield return complete;
                }
                int position = 0;
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
        int guaranteed = Timeline.GuaranteedDirectory(Level, CrashPointIndex);
        int memory = Record.DirectoryMemoryOrdinal(CrashPointIndex);
        if (guaranteed >= memory)
        {
            _reachable = [InodesNamedAt(guaranteed)];
            return;
        }
        // Directory states with the same names pointing at the same files are one image (a name created and deleted again).
        // Out of order (a model's choice), each name may also keep any of its values independently of the others.
        int[] ordinals = OrderOptions(guaranteed, memory).Concat(Timeline.MixedStates(Level, CrashPointIndex, guaranteed, memory))
            .DistinctBy(o => string.Join("/", Timeline.NamesAt(Level, CrashPointIndex, o).OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"{n.Key}={n.Value}")))
            .ToArray();
        if (ordinals.Length == 1)
        {
            _reachable = [InodesNamedAt(guaranteed)];
            return;
        }
        _reachable = [.. ordinals.Select(InodesNamedAt)];
        UInt128 guaranteedHash = Timeline.DirectoryHash(Level, CrashPointIndex, guaranteed);
        UInt128[] hashes = ordinals.Select(o => Timeline.DirectoryHash(Level, CrashPointIndex, o) ^ guaranteedHash).ToArray();
        DirectoryChoiceIndex = choices.Count;
        choices.Add(new Choice(ChoiceKind.Directory, -1, -1, [.. ordinals.Select(o => new PageOption(o, 0))], hashes));
    }

    private void AddLengthChoices(List<Choice> choices, HashSet<int> reachable)
    {
        foreach (int inodeId in Timeline.UnguaranteedLengths(Level, CrashPointIndex))
        {
            int guaranteed = Timeline.GuaranteedLength(Level, inodeId, CrashPointIndex);
            int memory = Record.LengthMemoryOrdinal(inodeId, CrashPointIndex);
            if (memory < guaranteed || !reachable.Contains(inodeId))
            {
                continue;
            }
            int[] ordinals = OrderOptions(guaranteed, memory);
            UInt128[] hashes = ordinals.Select(o => ImageHash.Length(inodeId, o) ^ ImageHash.Length(inodeId, guaranteed)).ToArray();
            _lengthChoiceIndex[inodeId] = choices.Count;
            choices.Add(new Choice(ChoiceKind.Length, inodeId, -1, [.. ordinals.Select(o => new PageOption(o, 0))], hashes));
        }
    }

    private void AddPageChoices(List<Choice> choices, HashSet<int> reachable, bool tear)
    {
        IEnumerable<long> pageKeys = Scope == SpaceScope.AllLostOnly
            ? reachable.SelectMany(Record.CutPagesOf)
            : Timeline.UnguaranteedPages(Level, CrashPointIndex).Where(pageKey => reachable.Contains(ImageHash.InodeOf(pageKey)));
        if (_lengthChoiceIndex.Count > 0)
        {
            // A cut page may need a choice although it is clean: its file's length can still go back across the cut.
            pageKeys = pageKeys.Concat(_lengthChoiceIndex.Keys.SelectMany(Record.CutPagesOf)).Distinct().Order();
        }
        foreach (long pageKey in pageKeys)
        {
            int guaranteed = Timeline.GuaranteedPage(Level, pageKey, CrashPointIndex);
            int memory = Record.MemoryOrdinal(pageKey, CrashPointIndex);
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
            foreach (int ordinal in OrderOptions(guaranteed, memory))
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
        UInt128 baseHash = ImageHash.Page(pageKey, guaranteed);
        UInt128[] hashes = options.Select(o => baseHash ^ (o.NewUnitMask == 0 ? ImageHash.Page(pageKey, o.Ordinal) : ImageHash.Torn(pageKey, o.Ordinal, o.NewUnitMask))).ToArray();
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
        int inodeId = ImageHash.InodeOf(pageKey);
        IEnumerable<int> lengthOrdinals = _lengthChoiceIndex.TryGetValue(inodeId, out int lengthChoice)
            ? choices[lengthChoice].Options.Select(o => o.Ordinal)
            : [Timeline.GuaranteedLength(Level, inodeId, CrashPointIndex)];
        int[] epochs = lengthOrdinals.Select(k => Record.EpochOfLength(pageKey, k)).Distinct().Order().ToArray();
        var perEpoch = new List<List<PageOption>>();
        foreach (int epoch in epochs)
        {
            (int lo, int hi) = Timeline.EpochRange(Level, pageKey, CrashPointIndex, epoch);
            List<PageOption> options = lo == hi ? [new PageOption(lo, 0)] : OrderOptions(lo, hi).Select(o => new PageOption(o, 0)).ToList();
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
        List<int>[] byEpoch = perEpoch.Select(_ => new List<int>()).ToArray();
        byEpoch[0].Add(0);
        int last = perEpoch.Count - 1;
        int keptIndex = Math.Min(1, perEpoch[last].Count - 1);
        if (last > 0 || keptIndex > 0)
        {
            byEpoch[last].Add(all.Count);
            all.Add(perEpoch[last][keptIndex]);
        }
        for (int epochIndex = 0; epochIndex < perEpoch.Count; epochIndex++)
        {
            for (int optionIndex = 0; optionIndex < perEpoch[epochIndex].Count; optionIndex++)
            {
                bool taken = (epochIndex == 0 && optionIndex == 0) || (epochIndex == last && optionIndex == keptIndex);
                if (!taken)
                {
                    byEpoch[epochIndex].Add(all.Count);
                    all.Add(perEpoch[epochIndex][optionIndex]);
                }
            }
        }
        // Each epoch's list starts with its lost option, then its kept one.
        int[][] lists = byEpoch.Select((list, epochIndex) => list.OrderBy(o => Rank(all[o], perEpoch[epochIndex])).ToArray()).ToArray();
        AddPageChoice(choices, pageKey, guaranteed, all, epochs[0], epochs.Length == epochs[^1] - epochs[0] + 1 ? lists : Spread(epochs, lists));
    }

    private static int Rank(PageOption option, List<PageOption> epochOptions) => epochOptions.IndexOf(option);

    /// <summary>Per epoch from the first to the last, the option lists; epochs no length demands get none.</summary>
    private static int[][] Spread(int[] epochs, int[][] lists)
    {
        int[][] spread = new int[epochs[^1] - epochs[0] + 1][];
        for (int index = 0; index < spread.Length; index++)
        {
            spread[index] = [];
        }
        for (int index = 0; index < epochs.Length; index++)
        {
            spread[epochs[index] - epochs[0]] = lists[index];
        }
        return spread;
    }

    /// <summary>Torn mixes of <paramref name="lost"/> with each version from <paramref name="firstNewer"/> to <paramref name="memory"/>: every proper, non-empty subset of the units where they differ.</summary>
    private void AddTornOptions(long pageKey, int lost, int firstNewer, int memory, List<PageOption> options)
    {
        byte[] oldBytes = Record.PageBytes(pageKey, lost);
        for (int ordinal = firstNewer; ordinal <= memory; ordinal++)
        {
            ulong differing = DifferingUnits(oldBytes, Record.PageBytes(pageKey, ordinal), UnitBytes);
            ulong unitCount = ulong.PopCount(differing);
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
            ulong subsetCount = (1UL << (int)unitCount) - 2;
            for (ulong subset = 1UL; subset <= subsetCount; subset++)
            {
                options.Add(new PageOption(ordinal, ScatterBits(subset, differing)));
            }
        }
    }

    private static void AddPrefixSuffixMixes(int ordinal, ulong differing, List<PageOption> options)
    {
        ulong prefix = 0UL;
        ulong remaining = differing;
        while (ulong.PopCount(remaining) > 1)
        {
            ulong lowest = remaining & (~remaining + 1);
            prefix |= lowest;
            remaining &= ~lowest;
            options.Add(new PageOption(ordinal, prefix));
            options.Add(new PageOption(ordinal, differing & ~prefix));
        }
    }

    public static ulong DifferingUnits(byte[] oldBytes, byte[] newBytes, int unitBytes)
    {
        ulong mask = 0UL;
        for (int unitIndex = 0; unitIndex * unitBytes < oldBytes.Length; unitIndex++)
        {
            int start = unitIndex * unitBytes;
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
        ulong result = 0UL;
        for (int bit = 0; positions != 0; bit++)
        {
            ulong lowest = positions & (~positions + 1);
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
        int[] ordinals = new int[memory - guaranteed + 1];
        ordinals[0] = guaranteed;
        ordinals[1] = memory;
        for (int index = 2; index < ordinals.Length; index++)
        {
            ordinals[index] = guaranteed + index - 1;
        }
        return ordinals;
    }

    /// <summary>The choices of one file the crash point's directory states name: its length (or the fixed length) and its pages.</summary>
    private void GroupByInode()
    {
        var groups = new Dictionary<int, (int LengthChoice, List<int> Pages)>();
        for (int choiceIndex = 0; choiceIndex < Choices.Length; choiceIndex++)
        {
            Choice choice = Choices[choiceIndex];
            if (choice.Kind == ChoiceKind.Directory)
            {
                continue;
            }
            if (!groups.TryGetValue(choice.InodeId, out (int LengthChoice, List<int> Pages) group))
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
