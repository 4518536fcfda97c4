namespace Writeback.Simulation.Model;

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
/// versions, then torn mixes.
/// </summary>
internal sealed class Choice
{
    public Choice(ChoiceKind kind, int inodeId, int pageIndex, PageOption[] options, ulong[] hashDeltas)
    {
        Kind = kind;
        InodeId = inodeId;
        PageIndex = pageIndex;
        Options = options;
        HashDeltas = hashDeltas;
    }

    public ChoiceKind Kind { get; }

    public int InodeId { get; }

    public int PageIndex { get; }

    /// <summary>For pages: version and torn mask; for lengths and the directory: the ordinal, mask 0.</summary>
    public PageOption[] Options { get; }

    /// <summary>Per option: the XOR that turns the all-lost image's hash into one with this option.</summary>
    public ulong[] HashDeltas { get; }

    public int OptionCount => Options.Length;
}
