namespace Writeback.Simulation.Exploration;

/// <summary>What one choice of a post-crash state is about.</summary>
internal enum ChoiceKind
{
    Directory,
    Length,
    Page,
}

/// <summary>One option of a page choice: a recorded version, or a torn mix of the guaranteed version and a newer one.</summary>
/// <param name="Ordinal">The page version (0 = zeros).</param>
/// <param name="NewUnitMask">For a torn option, the atomic units that hold the newer version; 0 for a whole version.</param>
internal readonly record struct PageOption(int Ordinal, ulong NewUnitMask);

/// <summary>
/// One dimension of a crash point's state space: something the model does not guarantee. Option 0
/// is always the guaranteed value ("lost"), option 1 the newest ("kept"); then older intermediate
/// versions, then torn mixes. A page a shrink cut has options in several epochs
/// (<see cref="SimulationRecord.EpochOfLength"/>): only those of the epoch its file's chosen length
/// demands are allowed together with that length.
/// </summary>
internal sealed class Choice
{
    public Choice(ChoiceKind kind, int inodeId, int pageIndex, PageOption[] options, UInt128[] hashDeltas,
                  int firstEpoch = 0, int[][]? optionsByEpoch = null)
    {
        Kind = kind;
        InodeId = inodeId;
        PageIndex = pageIndex;
        Options = options;
        HashDeltas = hashDeltas;
        FirstEpoch = firstEpoch;
        OptionsByEpoch = optionsByEpoch;
    }

    /// <summary>The first epoch among the options.</summary>
    public int FirstEpoch { get; }

    /// <summary>For a page with epochs: per epoch from <see cref="FirstEpoch"/>, its option indexes ("lost" first, "kept" second when present); null for a page without epochs.</summary>
    public int[][]? OptionsByEpoch { get; }

    /// <summary>The "kept" option: 1, or 0 for a choice with a single (forced) option.</summary>
    public int KeptIndex => Options.Length > 1 ? 1 : 0;

    /// <summary>The options allowed in <paramref name="epoch"/> (all of them for a page without epochs).</summary>
    public int[]? OptionsOfEpoch(int epoch) =>
        OptionsByEpoch is null ? null : epoch - FirstEpoch is var offset && offset >= 0 && offset < OptionsByEpoch.Length ? OptionsByEpoch[offset] : [];

    public ChoiceKind Kind { get; }

    public int InodeId { get; }

    public int PageIndex { get; }

    /// <summary>For pages: version and torn mask; for lengths and the directory: the ordinal, mask 0.</summary>
    public PageOption[] Options { get; }

    /// <summary>Per option: the XOR that turns the all-lost image's hash into one with this option.</summary>
    public UInt128[] HashDeltas { get; }

    public int OptionCount => Options.Length;
}
