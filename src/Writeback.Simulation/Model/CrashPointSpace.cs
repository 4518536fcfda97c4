namespace Writeback.Simulation.Model;

/// <summary>
/// Every post-crash state a model allows at one crash point for one crash kind: the choices (pages,
/// lengths, directory) the model does not guarantee, each with its options. A state is one option
/// index per choice; all zeros is the all-lost image, all ones the all-kept image.
/// </summary>
internal sealed class CrashPointSpace
{
    private readonly Dictionary<long, int> _pageChoiceIndex = [];
    private readonly Dictionary<int, int> _lengthChoiceIndex = [];

    public CrashPointSpace(SimulationRecord record, ModelTimeline timeline, CrashKind kind, int crashPointIndex, int atomicWriteBytes)
    {
        Record = record;
        Timeline = timeline;
        Kind = kind;
        CrashPointIndex = crashPointIndex;
        Level = ModelTimeline.LevelOf(kind);
        BaseHash = timeline.BaseHash(Level, crashPointIndex);
        UnitBytes = Math.Min(atomicWriteBytes, record.PageSizeBytes);
        var choices = new List<Choice>();
        if (Level > 0)
        {
            AddDirectoryChoice(choices);
            AddLengthChoices(choices);
            AddPageChoices(choices, tear: kind == CrashKind.PowerLoss && UnitBytes < record.PageSizeBytes);
        }
        Choices = [.. choices];
    }

    public SimulationRecord Record { get; }

    public ModelTimeline Timeline { get; }

    public CrashKind Kind { get; }

    public int CrashPointIndex { get; }

    /// <summary>0 memory (process crash), 1 device cache (kernel crash), 2 stable (power loss).</summary>
    public int Level { get; }

    public int UnitBytes { get; }

    public ulong BaseHash { get; }

    public Choice[] Choices { get; }

    public int DirectoryChoiceIndex { get; private set; } = -1;

    /// <summary>The number of states, saturated at <see cref="long.MaxValue"/>.</summary>
    public long StateCount
    {
        get
        {
            long count = 1;
            foreach (var choice in Choices)
            {
                if (count > long.MaxValue / choice.OptionCount)
                {
                    return long.MaxValue;
                }
                count *= choice.OptionCount;
            }
            return count;
        }
    }

    public int PageChoiceIndex(long pageKey) => _pageChoiceIndex.TryGetValue(pageKey, out var index) ? index : -1;

    public int LengthChoiceIndex(int inodeId) => _lengthChoiceIndex.TryGetValue(inodeId, out var index) ? index : -1;

    /// <summary>The state's image hash: the all-lost hash with one XOR per deviating choice.</summary>
    public ulong Hash(int[] state)
    {
        var hash = BaseHash;
        for (var choiceIndex = 0; choiceIndex < state.Length; choiceIndex++)
        {
            hash ^= Choices[choiceIndex].HashDeltas[state[choiceIndex]];
        }
        return hash;
    }

    private void AddDirectoryChoice(List<Choice> choices)
    {
        var guaranteed = Timeline.GuaranteedDirectory(Level, CrashPointIndex);
        var memory = Record.DirectoryMemoryOrdinal(CrashPointIndex);
        if (guaranteed == memory)
        {
            return;
        }
        var ordinals = OrderOptions(guaranteed, memory);
        var hashes = ordinals.Select(o => ImageHash.Directory(o) ^ ImageHash.Directory(guaranteed)).ToArray();
        DirectoryChoiceIndex = choices.Count;
        choices.Add(new Choice(ChoiceKind.Directory, -1, -1, [.. ordinals.Select(o => new PageOption(o, 0))], hashes));
    }

    private void AddLengthChoices(List<Choice> choices)
    {
        foreach (var inodeId in Timeline.UnguaranteedLengths(Level, CrashPointIndex))
        {
            var guaranteed = Timeline.GuaranteedLength(Level, inodeId, CrashPointIndex);
            var memory = Record.LengthMemoryOrdinal(inodeId, CrashPointIndex);
            if (memory < guaranteed)
            {
                continue;
            }
            var ordinals = OrderOptions(guaranteed, memory);
            var hashes = ordinals.Select(o => ImageHash.Length(inodeId, o) ^ ImageHash.Length(inodeId, guaranteed)).ToArray();
            _lengthChoiceIndex[inodeId] = choices.Count;
            choices.Add(new Choice(ChoiceKind.Length, inodeId, -1, [.. ordinals.Select(o => new PageOption(o, 0))], hashes));
        }
    }

    private void AddPageChoices(List<Choice> choices, bool tear)
    {
        foreach (var pageKey in Timeline.UnguaranteedPages(Level, CrashPointIndex))
        {
            var guaranteed = Timeline.GuaranteedPage(Level, pageKey, CrashPointIndex);
            var memory = Record.MemoryOrdinal(pageKey, CrashPointIndex);
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
                AddTornOptions(pageKey, guaranteed, memory, options);
            }
            var baseHash = ImageHash.Page(pageKey, guaranteed);
            var hashes = options.Select(o => baseHash ^ (o.NewUnitMask == 0 ? ImageHash.Page(pageKey, o.Ordinal) : ImageHash.Torn(pageKey, o.Ordinal, o.NewUnitMask))).ToArray();
            _pageChoiceIndex[pageKey] = choices.Count;
            choices.Add(new Choice(ChoiceKind.Page, ImageHash.InodeOf(pageKey), ImageHash.PageOf(pageKey), [.. options], hashes));
        }
    }

    /// <summary>Torn mixes: every proper, non-empty subset of the units where the newer version differs from the guaranteed one.</summary>
    private void AddTornOptions(long pageKey, int guaranteed, int memory, List<PageOption> options)
    {
        var oldBytes = Record.PageBytes(pageKey, guaranteed);
        for (var ordinal = guaranteed + 1; ordinal <= memory; ordinal++)
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
}
