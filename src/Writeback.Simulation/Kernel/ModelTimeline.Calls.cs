using Writeback.Simulation.Exploration;
using Writeback.Simulation.Recording;
using Writeback.Simulation.Storage;
namespace Writeback.Simulation.Kernel;

/// <summary>
/// The building job of the timeline: each recorded call applied in order, turning the model's
/// effect of a flush (or a directory fsync, or a rename between directories) into guarantees.
/// </summary>
internal sealed partial class ModelTimeline
{
    private void Apply(RecordedCall call, int crashPointIndex, Dictionary<long, int> memoryOrdinals)
    {
        if (call.Outcome == CallOutcome.Threw)
        {
            return; // It threw before doing anything: it guaranteed nothing.
        }
        ApplyNameRules(call, crashPointIndex, memoryOrdinals);
        if (call is { Kind: CallKind.Rename, Outcome: CallOutcome.Returned, Path: { } source, TargetPath: { } target } && _record.HasSubdirectories)
        {
            int after = _record.DirectoryMemoryOrdinal(crashPointIndex + 1);
            int sourceParent = DirectoryIdAt(_record.DirectoryMemoryOrdinal(crashPointIndex), MemoryStorage.ParentOf(source));
            int targetParent = DirectoryIdAt(after, MemoryStorage.ParentOf(target));
            if (sourceParent != targetParent)
            {
                // The target directory and every directory above it: the chain the new name needs.
                var targets = new List<int> { targetParent };
                for (string path = MemoryStorage.ParentOf(target); path.Length > 0;)
                {
                    path = MemoryStorage.ParentOf(path);
                    targets.Add(DirectoryIdAt(after, path));
                }
                _crossRenames.Add((after, sourceParent, [.. targets.Where(id => id >= 0).Distinct()]));
            }
            return;
        }
        if (call.Kind == CallKind.FlushDirectory)
        {
            if (call.Outcome == CallOutcome.Returned)
            {
                GuaranteeDirectory(call.Path ?? "", crashPointIndex, Model.NamesLevel(ModelCalls.Of(call) ?? ModelCall.DirectoryFsync));
                HasEffect[crashPointIndex] = true;
            }
            return;
        }
        if (ModelCalls.Of(call) is not { } modelCall)
        {
            return;
        }
        FlushEffect effect = Model.Effect(modelCall);
        (int firstPage, int lastPage) = PagesCovered(call, effect);
        if (call.Kind == CallKind.FlushAsync)
        {
            // In flight until the program sees the task complete: the pages may or may not reach the
            // disk; the completion guarantees the versions in memory now, not later stores.
            MarkInFlight(call.InodeId, firstPage, lastPage, crashPointIndex, memoryOrdinals);
            _asyncStarts[crashPointIndex] = new AsyncFlush(
                [.. _levels[2].DirtyPagesOf(call.InodeId, firstPage, lastPage).Select(pageKey => (pageKey, memoryOrdinals[pageKey]))],
                _record.LengthMemoryOrdinal(call.InodeId, crashPointIndex));
            return;
        }
        if (call.Kind == CallKind.FlushAsyncCompleted)
        {
            _asyncStarts.Remove(call.StartedAt, out AsyncFlush? started);
            if (started is not null)
            {
                Guarantee(call, effect, crashPointIndex, started.Pages, started.LengthOrdinal, memoryOrdinals);
            }
            return;
        }
        if (effect.StartsIo)
        {
            MarkInFlight(call.InodeId, firstPage, lastPage, crashPointIndex, memoryOrdinals);
        }
        var pages = _levels[2].DirtyPagesOf(call.InodeId, firstPage, lastPage).Select(pageKey => (pageKey, memoryOrdinals[pageKey])).ToList();
        Guarantee(call, effect, crashPointIndex, pages, _record.LengthMemoryOrdinal(call.InodeId, crashPointIndex), memoryOrdinals);
    }

    /// <summary>
    /// An fsync of a directory guarantees its entries as they are in memory. A rename between two
    /// directories is one journal transaction on ext4: a file is never lost from both. So an fsync of
    /// the source directory, which makes the old name's removal durable, also guarantees the target
    /// directory the state that rename made, and every directory above the target that state too
    /// (the new directory chain: a target created since its parent's last fsync is committed with the
    /// rename, as a journal commits the mkdir before it); an fsync of the target alone leaves the old
    /// name possibly there too (the file under both names: conservative, never lost). This is the
    /// rule LossyFs states too: an object that had a durable name keeps one.
    /// </summary>
    private void GuaranteeDirectory(string path, int crashPointIndex, DurabilityLevel namesLevel)
    {
        int memoryOrdinal = _record.DirectoryMemoryOrdinal(crashPointIndex);
        int directoryId = path.Length == 0 ? 0 : DirectoryIdAt(memoryOrdinal, path);
        for (int level = 1; level <= (int)namesLevel; level++)
        {
            _levels[level].GuaranteeDirectory(crashPointIndex + 1, directoryId, memoryOrdinal);
            foreach ((int ordinal, int source, int[]? targets) in _crossRenames)
            {
                if (ordinal <= memoryOrdinal && source == directoryId)
                {
                    foreach (int target in targets)
                    {
                        _levels[level].GuaranteeDirectory(crashPointIndex + 1, target, ordinal);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The flush's guarantee from the next crash point on; or, for a call an injected fault failed,
    /// its dirty pages marked clean unwritten: no later flush writes those versions (fsyncgate).
    /// </summary>
    private void Guarantee(RecordedCall call, FlushEffect effect, int crashPointIndex, IReadOnlyList<(long PageKey, int Ordinal)> pages,
                           int lengthOrdinal, Dictionary<long, int> memoryOrdinals, int inodeId = -1)
    {
        if (call.Outcome == CallOutcome.Failed)
        {
            foreach ((long pageKey, int ordinal) in pages)
            {
                _failedVersions[pageKey] = Math.Max(ordinal, _failedVersions.GetValueOrDefault(pageKey));
            }
            HasEffect[crashPointIndex] = true;
            return;
        }
        var written = pages.Where(page => page.Ordinal > _failedVersions.GetValueOrDefault(page.PageKey)).ToList();
        for (int level = 1; level <= (int)effect.Data; level++)
        {
            HasEffect[crashPointIndex] |= _levels[level].GuaranteePages(crashPointIndex + 1, written, memoryOrdinals);
        }
        for (int level = 1; level <= (int)effect.Length; level++)
        {
            HasEffect[crashPointIndex] |= _levels[level].GuaranteeLength(crashPointIndex + 1, inodeId < 0 ? call.InodeId : inodeId, lengthOrdinal);
        }
    }

    private (int FirstPage, int LastPage) PagesCovered(RecordedCall call, FlushEffect effect)
    {
        if (effect.WholeFile || call.Kind == CallKind.FlushFile)
        {
            return (0, int.MaxValue);
        }
        int firstPage = (int)(call.OffsetBytes / _record.PageSizeBytes);
        int lastPage = call.LengthBytes == 0 ? -1 : (int)((call.OffsetBytes + call.LengthBytes - 1) / _record.PageSizeBytes);
        return (firstPage, lastPage);
    }

    /// <summary>In flight: the newest version's write has started; it may complete or not (§7.2 variant 3).</summary>
    private void MarkInFlight(int inodeId, int firstPage, int lastPage, int crashPointIndex, Dictionary<long, int> memoryOrdinals)
    {
        foreach (long pageKey in _levels[2].DirtyPagesOf(inodeId, firstPage, lastPage))
        {
            if (!_inFlight.TryGetValue(pageKey, out List<(int From, int Ordinal)>? started))
            {
                _inFlight.Add(pageKey, started = []);
            }
            started.Add((crashPointIndex + 1, memoryOrdinals[pageKey]));
        }
    }

    /// <summary>A <c>FlushAsync</c> started and not yet completed: the versions and the length its completion guarantees.</summary>
    private sealed record AsyncFlush(IReadOnlyList<(long PageKey, int Ordinal)> Pages, int LengthOrdinal);
}
