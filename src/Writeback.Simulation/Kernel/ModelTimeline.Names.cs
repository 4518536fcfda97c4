using Writeback.Simulation.Recording;
using Writeback.Simulation.Storage;

namespace Writeback.Simulation.Kernel;

/// <summary>The model's name rules (<see cref="NameSemantics"/>) beyond "a directory fsync makes its entries durable".</summary>
internal sealed partial class ModelTimeline
{
    /// <summary>
    /// Applies the name rules a returned call triggers: without <see cref="NameSemantics.DirectoryFsyncRequired"/>
    /// a name change is durable on return; with <see cref="NameSemantics.ReplacingRenamePersistsData"/> a rename
    /// over a file makes the renamed file's data durable; with <see cref="NameSemantics.FileFsyncPersistsName"/>
    /// an fsync makes the file's newest name durable.
    /// </summary>
    private void ApplyNameRules(RecordedCall call, int crashPointIndex, Dictionary<long, int> memoryOrdinals)
    {
        if (call.Outcome != CallOutcome.Returned)
        {
            return;
        }
        NameSemantics rules = Model.Names;
        int before = _record.DirectoryMemoryOrdinal(crashPointIndex);
        int after = _record.DirectoryMemoryOrdinal(crashPointIndex + 1);
        if (!rules.DirectoryFsyncRequired && after != before)
        {
            GuaranteeEveryDirectory(crashPointIndex, after, Model.DirectoryFlush);
        }
        if (rules.ReplacingRenamePersistsData && call is { Kind: CallKind.Rename, Path: { } source, TargetPath: { } target }
            && IsFile(before, target, out _) && IsFile(before, source, out int renamed))
        {
            DurabilityLevel level = Model.DirectoryFlush;
            var pages = _levels[2].DirtyPagesOf(renamed, 0, int.MaxValue).Select(pageKey => (pageKey, memoryOrdinals[pageKey])).ToList();
            Guarantee(call, new FlushEffect(level, true, level), crashPointIndex, pages, _record.LengthMemoryOrdinal(renamed, crashPointIndex),
                      memoryOrdinals, renamed);
        }
        if (rules.FileFsyncPersistsName && ModelCalls.Of(call) == ModelCall.Fsync && call.InodeId >= 0)
        {
            PersistNewestName(call.InodeId, crashPointIndex, before, Model.Effect(ModelCall.Fsync).Data);
        }
    }

    private bool IsFile(int ordinal, string path, out int inodeId) =>
        _record.DirectoryNames(ordinal).TryGetValue(path, out inodeId) && inodeId != MemoryStorage.DirectoryEntryId;

    /// <summary>Every directory's entries guaranteed as of directory state <paramref name="ordinal"/>, from the next crash point.</summary>
    private void GuaranteeEveryDirectory(int crashPointIndex, int ordinal, DurabilityLevel namesLevel)
    {
        for (int level = 1; level <= (int)namesLevel; level++)
        {
            foreach (int directoryId in _directoryIds)
            {
                _levels[level].GuaranteeDirectory(crashPointIndex + 1, directoryId, ordinal);
            }
        }
        HasEffect[crashPointIndex] = true;
    }

    /// <summary>
    /// The directory state that last changed the file's names (a create or a rename) becomes durable in the
    /// directories that change touched (and, names persisting in order, every change before it there).
    /// </summary>
    private void PersistNewestName(int inodeId, int crashPointIndex, int memoryOrdinal, DurabilityLevel namesLevel)
    {
        int ordinal = memoryOrdinal;
        while (ordinal > 0 && SameNames(inodeId, ordinal, ordinal - 1))
        {
            ordinal--;
        }
        if (ordinal == 0)
        {
            return;
        }
        var directories = new HashSet<int>();
        foreach ((int state, string? name) in NamesOf(inodeId, ordinal).Select(name => (ordinal, name)).Concat(NamesOf(inodeId, ordinal - 1).Select(name => (ordinal - 1, name))))
        {
            string parent = MemoryStorage.ParentOf(name);
            int directoryId = parent.Length == 0 ? 0 : DirectoryIdAt(state, parent);
            if (directoryId >= 0)
            {
                directories.Add(directoryId);
            }
        }
        for (int level = 1; level <= (int)namesLevel; level++)
        {
            foreach (int directoryId in directories)
            {
                _levels[level].GuaranteeDirectory(crashPointIndex + 1, directoryId, ordinal);
            }
        }
        HasEffect[crashPointIndex] = true;
    }

    private IEnumerable<string> NamesOf(int inodeId, int ordinal) =>
        _record.DirectoryNames(ordinal).Where(entry => entry.Value == inodeId).Select(entry => entry.Key);

    private bool SameNames(int inodeId, int ordinal, int previous)
    {
        IReadOnlyDictionary<string, int> older = _record.DirectoryNames(previous);
        int count = 0;
        foreach (string name in NamesOf(inodeId, ordinal))
        {
            if (!older.TryGetValue(name, out int id) || id != inodeId)
            {
                return false;
            }
            count++;
        }
        return count == NamesOf(inodeId, previous).Count();
    }
}
