namespace Writeback.Simulation.Exploration;

/// <summary>Spaces with some choices pinned to one option: the representatives of a collapsed file.</summary>
internal sealed partial class CrashPointSpace
{
    /// <summary>A copy of <paramref name="source"/> with other choices (the same kinds, files and pages, in the same places).</summary>
    private CrashPointSpace(CrashPointSpace source, Choice[] choices)
    {
        Record = source.Record;
        Timeline = source.Timeline;
        Kind = source.Kind;
        CrashPointIndex = source.CrashPointIndex;
        Scope = source.Scope;
        Level = source.Level;
        BaseHash = source.BaseHash;
        UnitBytes = source.UnitBytes;
        DirectoryChoiceIndex = source.DirectoryChoiceIndex;
        Independent = source.Independent;
        _pageChoiceIndex = source._pageChoiceIndex;
        _lengthChoiceIndex = source._lengthChoiceIndex;
        _reachable = source._reachable;
        _inodes = source._inodes;
        Choices = choices;
    }

    /// <summary>
    /// This space with each choice of <paramref name="pinned"/> reduced to the one option <paramref name="state"/>
    /// gives it (a whole version, never a torn mix, and never a page a shrink cut): its state 0 there is that
    /// option, and its hashes are this space's, so a pinned state's hash is the hash of the same image here.
    /// </summary>
    public CrashPointSpace Pin(IReadOnlyCollection<int> pinned, int[] state)
    {
        var choices = (Choice[])Choices.Clone();
        foreach (int choiceIndex in pinned)
        {
            Choice choice = Choices[choiceIndex];
            int option = state[choiceIndex];
            choices[choiceIndex] = new Choice(choice.Kind, choice.InodeId, choice.PageIndex, [choice.Options[option]], [choice.HashDeltas[option]]);
        }
        return new CrashPointSpace(this, choices);
    }
}
