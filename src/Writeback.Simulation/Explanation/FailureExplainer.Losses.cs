using System.Globalization;
using Writeback.Simulation.Exploration;
using Writeback.Simulation.Recording;

namespace Writeback.Simulation.Explanation;

internal sealed partial class FailureExplainer
{
    /// <summary>Names in memory at the crash point that the image lacks or maps elsewhere, and removed names the image still has.</summary>
    private IEnumerable<Loss> NameLosses()
    {
        int memoryOrdinal = _record.DirectoryMemoryOrdinal(_crashPoint);
        IReadOnlyDictionary<string, int> memory = _record.DirectoryNames(memoryOrdinal);
        IEnumerable<(string, bool Removed)> changed = memory.Where(n => !_image.Names.TryGetValue(n.Key, out int id) || id != n.Value).Select(n => (n.Key, Removed: false))
            .Concat(_image.Names.Keys.Where(name => !memory.ContainsKey(name)).Select(name => (name, Removed: true)));
        foreach ((string? name, bool removed) in changed.OrderBy(n => n.Item1, StringComparer.Ordinal))
        {
            int ordinal = ChangeOrdinal(name, memoryOrdinal);
            int writtenAt = _record.DirectoryVisibleFrom(ordinal) - 1;
            string what = removed ? $"the removal of the name {name}" : $"the name {name}";
            yield return new Loss(name, IsName: true, writtenAt, [], what)
            {
                DurableAt = FirstDurable(crashPoint => _space.Timeline.GuaranteedDirectory(_space.Level, crashPoint) >= ordinal),
                Acknowledgement = AcknowledgementAfter(writtenAt),
            };
        }
    }

    /// <summary>The oldest directory state from which <paramref name="name"/> is as it is in memory state <paramref name="memoryOrdinal"/>.</summary>
    private int ChangeOrdinal(string name, int memoryOrdinal)
    {
        IReadOnlyDictionary<string, int> memory = _record.DirectoryNames(memoryOrdinal);
        bool present = memory.TryGetValue(name, out int inodeId);
        int ordinal = memoryOrdinal;
        while (ordinal > 0)
        {
            IReadOnlyDictionary<string, int> older = _record.DirectoryNames(ordinal - 1);
            bool same = present ? older.TryGetValue(name, out int id) && id == inodeId : !older.ContainsKey(name);
            if (!same)
            {
                break;
            }
            ordinal--;
        }
        return ordinal;
    }

    /// <summary>Files whose length in the image is an older one than in memory.</summary>
    private IEnumerable<Loss> LengthLosses()
    {
        foreach (Choice? choice in _space.Choices.Where(c => c.Kind == ChoiceKind.Length && IsFile(c.InodeId)))
        {
            int chosen = choice.Options[_state[Array.IndexOf(_space.Choices, choice)]].Ordinal;
            int memory = _record.LengthMemoryOrdinal(choice.InodeId, _crashPoint);
            if (chosen >= memory || _record.LengthBytes(choice.InodeId, chosen) == _record.LengthBytes(choice.InodeId, memory))
            {
                continue;
            }
            int writtenAt = _record.LengthsOf(choice.InodeId)[memory].VisibleFrom - 1;
            string what = string.Create(CultureInfo.InvariantCulture,
                $"the length of {FileName(choice.InodeId)} ({_record.LengthBytes(choice.InodeId, memory)} bytes; the image has {_record.LengthBytes(choice.InodeId, chosen)})");
            int inodeId = choice.InodeId;
            yield return new Loss(FileName(inodeId), IsName: false, writtenAt, [], what)
            {
                DurableAt = FirstDurable(crashPoint => _space.Timeline.GuaranteedLength(_space.Level, inodeId, crashPoint) >= memory),
                Acknowledgement = AcknowledgementAfter(writtenAt),
            };
        }
    }

    /// <summary>
    /// Pages whose newest version the image lacks (or tore), or with <paramref name="kept"/> pages
    /// that reached the disk unguaranteed; grouped by file and by the call that wrote them.
    /// </summary>
    private IEnumerable<Loss> PageLosses(bool kept)
    {
        var groups = new Dictionary<(int InodeId, int WrittenAt, bool Torn), List<(int PageIndex, int Ordinal, long PageKey)>>();
        int examined = 0;
        for (int choiceIndex = 0; choiceIndex < _space.Choices.Length && examined < MaxLossesExamined; choiceIndex++)
        {
            Choice choice = _space.Choices[choiceIndex];
            if (choice.Kind != ChoiceKind.Page)
            {
                continue;
            }
            PageOption option = choice.Options[_state[choiceIndex]];
            long pageKey = ImageHash.PageKey(choice.InodeId, choice.PageIndex);
            int memory = _record.MemoryOrdinal(pageKey, _crashPoint);
            bool torn = option.NewUnitMask != 0;
            bool isLoss = torn || option.Ordinal < memory;
            bool isKept = !torn && option.Ordinal > choice.Options[0].Ordinal;
            if (kept ? !isKept : !isLoss)
            {
                continue;
            }
            examined++;
            int ordinal = kept ? option.Ordinal : memory;
            int writtenAt = _record.VersionVisibleFrom(pageKey, ordinal) - 1;
            (int InodeId, int writtenAt, bool torn) key = (choice.InodeId, writtenAt, torn);
            if (!groups.TryGetValue(key, out List<(int PageIndex, int Ordinal, long PageKey)>? pages))
            {
                groups[key] = pages = [];
            }
            pages.Add((choice.PageIndex, ordinal, pageKey));
        }
        return groups.Select(group => ToLoss(group.Key.InodeId, group.Key.WrittenAt, group.Key.Torn, group.Value, kept));
    }

    private Loss ToLoss(int inodeId, int writtenAt, bool torn, List<(int PageIndex, int Ordinal, long PageKey)> pages, bool kept)
    {
        (int _, int ordinal, long pageKey) = pages[0];
        string name = FileName(inodeId);
        string what = $"{name} {PageRanges([.. pages.Select(p => p.PageIndex)])}";
        bool throughMapping = writtenAt >= 0 && !WrittenBy(writtenAt, inodeId, pages[0].PageIndex);
        if (kept)
        {
            return new Loss(name, IsName: false, writtenAt, [.. pages.Select(p => p.PageIndex)], what) { ThroughMapping = throughMapping };
        }
        bool wholeFile = WholeFileTimeline is { } whole
                        && pages.All(p => whole.GuaranteedPage(_space.Level, p.PageKey, _crashPoint) >= p.Ordinal);
        return new Loss(name, IsName: false, writtenAt, [.. pages.Select(p => p.PageIndex)], what)
        {
            ThroughMapping = throughMapping,
            Torn = torn,
            WholeFileWouldCover = wholeFile && !torn,
            DurableAt = FirstDurable(crashPoint => _space.Timeline.GuaranteedPage(_space.Level, pageKey, crashPoint) >= ordinal),
            Acknowledgement = AcknowledgementAfter(writtenAt),
        };
    }

    /// <summary>Whether call <paramref name="callIndex"/> wrote page <paramref name="pageIndex"/> of the file itself (a write, a length change); otherwise the page was stored through a mapping before the next call.</summary>
    private bool WrittenBy(int callIndex, int inodeId, int pageIndex)
    {
        RecordedCall call = _record.Calls[callIndex];
        long pageBytes = (long)_record.PageSizeBytes;
        return call.InodeId == inodeId && call.Kind switch
        {
            Recording.CallKind.Write => call.OffsetBytes < (pageIndex + 1) * pageBytes && call.OffsetBytes + call.LengthBytes > pageIndex * pageBytes,
            Recording.CallKind.SetLength or Recording.CallKind.Open => true,
            _ => false,
        };
    }

    /// <summary><c>page 3</c>, <c>pages 0-1023</c>, <c>pages 0-3, 7</c> (page indexes are sorted first).</summary>
    internal static string PageRanges(IReadOnlyList<int> pageIndexes)
    {
        var sorted = pageIndexes.Order().ToList();
        var ranges = new List<string>();
        for (int start = 0; start < sorted.Count;)
        {
            int end = start;
            while (end + 1 < sorted.Count && sorted[end + 1] == sorted[end] + 1)
            {
                end++;
            }
            ranges.Add(end == start ? sorted[start].ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{sorted[start]}-{sorted[end]}"));
            start = end + 1;
        }
        return (sorted.Count == 1 ? "page " : "pages ") + string.Join(", ", ranges);
    }

    /// <summary>The last calls before the crash point, the write and the acknowledgement (with gaps marked), the crash, and the sync that came too late or never.</summary>
    private List<ExplanationEvent> Timeline(Loss? primary, Loss? later)
    {
        int first = Math.Max(0, _crashPoint - TimelineCalls);
        // Positions: call i at 4i+3; before call k, stores through a mapping at 4k and an acknowledgement first visible at crash point k at 4k+1.
        var items = new SortedDictionary<int, ExplanationEvent>();
        for (int callIndex = first; callIndex < _crashPoint; callIndex++)
        {
            items[4 * callIndex + 3] = new ExplanationEvent(callIndex, CallText(callIndex), ExplanationRole.Call);
        }
        foreach (Loss? loss in new[] { later, primary })
        {
            if (loss is { WrittenAt: >= 0 and var callIndex, ThroughMapping: true } && callIndex < _crashPoint)
            {
                items[4 * (callIndex + 1)] = new ExplanationEvent(null, $"stores to {loss.What} through the mapping", ExplanationRole.Write);
            }
            else if (loss is { WrittenAt: >= 0 } && loss.WrittenAt < _crashPoint)
            {
                items[4 * loss.WrittenAt + 3] = new ExplanationEvent(loss.WrittenAt, CallText(loss.WrittenAt), ExplanationRole.Write);
            }
        }
        for (int index = _record.AcknowledgedCountAt(first); index < _record.AcknowledgedCountAt(_crashPoint); index++)
        {
            items[4 * AcknowledgedAt(index) + 1] = new ExplanationEvent(null, "acknowledged: " + AcknowledgementText(index), ExplanationRole.Call);
        }
        if (primary?.Acknowledgement is { } ack)
        {
            items[4 * AcknowledgedAt(ack) + 1] = new ExplanationEvent(null, "acknowledged: " + AcknowledgementText(ack), ExplanationRole.Acknowledgement);
        }
        List<ExplanationEvent> timeline = WithGaps(items);
        string crashText = _record.DescribeCrashPoint(_crashPoint);
        crashText = _names?.DescribeCrashPoint(_crashPoint, crashText)
                    ?? (crashText.StartsWith("after ", StringComparison.Ordinal) ? crashText : "before " + crashText);
        timeline.Add(new ExplanationEvent(null, string.Create(CultureInfo.InvariantCulture, $"crash point {_crashPoint} ({crashText})"), ExplanationRole.Crash));
        if (primary is not null)
        {
            timeline.Add(primary.DurableAt is { } durable
                ? new ExplanationEvent(durable, CallText(durable) + ": made it durable, after the crash point", ExplanationRole.MissingSync)
                : new ExplanationEvent(null, primary.IsName ? "no fsync of its directory followed" : "no call ever made it durable", ExplanationRole.MissingSync));
        }
        return timeline;
    }

    private static List<ExplanationEvent> WithGaps(SortedDictionary<int, ExplanationEvent> items)
    {
        var timeline = new List<ExplanationEvent>();
        int? lastCall = null;
        foreach ((int position, ExplanationEvent? item) in items)
        {
            // A call i follows call i-1; stores and an acknowledgement before call k follow call k-1.
            int previousCall = position / 4 - 1;
            if (lastCall is { } last && previousCall > last)
            {
                timeline.Add(new ExplanationEvent(null, "…", ExplanationRole.Gap));
            }
            if (timeline.Count > 0 && timeline[^1] is { CallIndex: not null } previous && item.CallIndex is not null && previous.Text == item.Text)
            {
                // Two simulator calls of one program call (a write past the end: length, then data): one line.
                timeline[^1] = item.Role == ExplanationRole.Call ? previous : item;
            }
            else
            {
                timeline.Add(item);
            }
            lastCall = position % 4 == 3 ? position / 4 : position / 4 - 1;
        }
        return timeline;
    }
}
