using System.Globalization;
using Writeback.Simulation.Exploration;
using Writeback.Simulation.Kernel;
using Writeback.Simulation.Storage;

namespace Writeback.Simulation.Explanation;

/// <summary>
/// Derives a <see cref="FailureExplanation"/> from a failing state, the model's timeline and the
/// record: what the image lost compared with memory at the crash point (names, lengths, pages),
/// when each lost thing was written, the first acknowledgement after it, and the first later call
/// that would have made it durable. The one place a failure is explained; the explorer calls it for
/// every failure, so <c>check</c>, <c>trace</c> and <c>whatif</c> show the same diagnosis.
/// </summary>
internal sealed partial class FailureExplainer
{
    /// <summary>Calls shown before the crash point in a timeline (besides the write and the acknowledgement).</summary>
    private const int TimelineCalls = 5;

    /// <summary>At most this many lost choices are examined (the earliest written matter; a 32 MiB chunk has thousands).</summary>
    private const int MaxLossesExamined = 4096;

    private readonly SimulationRecord _record;
    private readonly CrashPointSpace _space;
    private readonly int[] _state;
    private readonly IDescribesRecording? _names;
    private readonly int _crashPoint;
    private readonly CrashImage _image;

    private FailureExplainer(CrashPointSpace space, int[] state, IDescribesRecording? names)
    {
        _record = space.Record;
        _space = space;
        _state = state;
        _names = names;
        _crashPoint = space.CrashPointIndex;
        _image = new CrashImage(space, state);
    }

    /// <summary>Explains one failing state.</summary>
    /// <param name="space">The crash point's space.</param>
    /// <param name="state">The failing (preferably shrunk) state.</param>
    /// <param name="names">The scenario's own names for calls and acknowledgements, or null.</param>
    /// <returns>The explanation.</returns>
    public static FailureExplanation Explain(CrashPointSpace space, int[] state, IDescribesRecording? names) =>
        new FailureExplainer(space, state, names).Explain();

    /// <summary>One thing the image lost (or tore, or kept out of order), grouped by file and writing call.</summary>
    private sealed record Loss(string File, bool IsName, int WrittenAt, List<int> Pages, string What)
    {
        public bool Torn { get; init; }

        /// <summary>Stored through a mapping (seen at the next call), not written by the call at <see cref="WrittenAt"/>.</summary>
        public bool ThroughMapping { get; init; }

        public bool WholeFileWouldCover { get; init; }

        public int? DurableAt { get; init; }

        public int? Acknowledgement { get; init; }
    }

    private FailureExplanation Explain()
    {
        var losses = NameLosses().Concat(LengthLosses()).Concat(PageLosses(kept: false)).ToList();
        var kept = PageLosses(kept: true).ToList();
        var acknowledged = losses.Where(l => l.Acknowledgement is not null).OrderBy(l => l.Acknowledgement).ThenBy(l => l.WrittenAt).ToList();
        Loss? primary = acknowledged.FirstOrDefault()
                        ?? losses.FirstOrDefault(l => l.Torn)
                        ?? losses.Where(l => kept.Any(k => k.WrittenAt > l.WrittenAt)).OrderBy(l => l.WrittenAt).FirstOrDefault()
                        ?? losses.OrderBy(l => l.WrittenAt).FirstOrDefault();
        if (primary is null)
        {
            return Build(DiagnosisCategory.NotYetDurable, null,
                "nothing was lost: the image is what the program had stored by the crash point, and the checker rejects it",
                "the program's own state at the crash point", null);
        }
        Loss? later = kept.Where(k => k.WrittenAt > primary.WrittenAt).OrderBy(k => k.WrittenAt).FirstOrDefault();
        DiagnosisCategory category = primary switch
        {
            { Torn: true } => DiagnosisCategory.TornWrite,
            { IsName: true } => DiagnosisCategory.NameNeverDurable,
            { WholeFileWouldCover: true } => DiagnosisCategory.ReliedOnWholeFileSync,
            { Acknowledgement: not null } => DiagnosisCategory.AcknowledgedBeforeSync,
            _ when later is not null => DiagnosisCategory.ReorderedPersistence,
            _ => DiagnosisCategory.NotYetDurable,
        };
        later = category == DiagnosisCategory.ReorderedPersistence ? later : null;
        return Build(category, primary, Summary(category, primary, later), primary.What, later);
    }

    private FailureExplanation Build(DiagnosisCategory category, Loss? primary, string summary, string subject, Loss? later) => new()
    {
        Category = category,
        Rule = RuleOf(category),
        Summary = summary,
        Subject = subject,
        WrittenAtCall = primary is { WrittenAt: >= 0 } ? primary.WrittenAt : null,
        AcknowledgementIndex = primary?.Acknowledgement,
        Acknowledgement = primary?.Acknowledgement is { } ack ? AcknowledgementText(ack) : null,
        DurableAtCall = primary?.DurableAt,
        AcknowledgedBefore = AcknowledgedText(),
        Timeline = Timeline(primary, later),
    };

    /// <summary>The rule of each category, in words a user can act on.</summary>
    internal static string RuleOf(DiagnosisCategory category) => category switch
    {
        DiagnosisCategory.NameNeverDurable => "a created, renamed or removed name is durable only after an fsync of its directory",
        DiagnosisCategory.AcknowledgedBeforeSync => "acknowledge only after the call that makes the data durable has returned",
        DiagnosisCategory.ReliedOnWholeFileSync => "since Linux 3.16 msync(MS_SYNC) makes only its range durable, not the whole file",
        DiagnosisCategory.TornWrite => "a page is written in atomic units: at power loss it may be part old, part new",
        DiagnosisCategory.ReorderedPersistence => "without a sync between them, a later write can reach the disk before an earlier one",
        _ => "data is durable only after a call that covers it returns",
    };

    private string Summary(DiagnosisCategory category, Loss primary, Loss? later)
    {
        string written = WrittenText(primary);
        string ack = primary.Acknowledgement is { } a ? $"; {AcknowledgementText(a)} came after it" : "";
        string sync = primary.DurableAt is { } d ? $"only {CallText(d)}, after the crash point, made it durable" : "no later call made it durable";
        return category switch
        {
            DiagnosisCategory.NameNeverDurable =>
                $"{primary.What} ({written}) was lost: no fsync of its directory came before the crash point{ack}; {sync}.",
            DiagnosisCategory.ReliedOnWholeFileSync =>
                $"{primary.What} ({written}) was lost: the range syncs before the crash point did not cover it; it would have been durable had they synced the whole file (Linux 2.6.19 to 3.15){ack}.",
            DiagnosisCategory.TornWrite =>
                $"{primary.What} ({written}) is torn: power loss left part of the page old and part new{ack}.",
            DiagnosisCategory.ReorderedPersistence =>
                $"{primary.What} ({written}) was lost while {later!.What} ({WrittenText(later)}, later) reached the disk: no sync ordered them.",
            DiagnosisCategory.AcknowledgedBeforeSync =>
                $"{primary.What} ({written}) was lost{ack}; {sync}.",
            _ => $"{primary.What} ({written}) was lost; {sync}.",
        };
    }

    /// <summary>Where the lost thing came from: the call that wrote it, or the stores through a mapping before a call.</summary>
    private string WrittenText(Loss loss) =>
        loss.WrittenAt < 0 ? "from the initial state"
        : loss.ThroughMapping ? $"stored through the mapping before {CallText(loss.WrittenAt + 1)}"
        : $"written by {CallText(loss.WrittenAt)}";

    private string CallText(int callIndex)
    {
        string text = _record.DescribeCall(callIndex);
        return _names?.DescribeCall(callIndex, text) ?? string.Create(CultureInfo.InvariantCulture, $"#{callIndex} {text}");
    }

    private string AcknowledgementText(int index)
    {
        long value = _record.Acknowledged[index];
        return _names?.DescribeAcknowledgement(index, value)
               ?? string.Create(CultureInfo.InvariantCulture, $"acknowledgement {index + 1} (value {value})");
    }

    private string AcknowledgedText()
    {
        int count = _record.AcknowledgedCountAt(_crashPoint);
        long last = count == 0 ? 0 : _record.Acknowledged[count - 1];
        return _names?.DescribeAcknowledged(count, last) ?? (count == 0 ? "nothing acknowledged"
            : string.Create(CultureInfo.InvariantCulture, $"{count} acknowledged, the last {last}"));
    }

    /// <summary>The earliest acknowledgement visible at the crash point that came after call <paramref name="writtenAt"/>.</summary>
    private int? AcknowledgementAfter(int writtenAt)
    {
        // Acknowledgements visible at crash point w were added before call w ran: the first one after call w is the next.
        int firstAfter = writtenAt < 0 ? 0 : _record.AcknowledgedCountAt(Math.Min(writtenAt, _crashPoint));
        return firstAfter < _record.AcknowledgedCountAt(_crashPoint) ? firstAfter : null;
    }

    /// <summary>The crash point at which acknowledgement <paramref name="index"/> is first visible.</summary>
    private int AcknowledgedAt(int index)
    {
        int crashPoint = 0;
        while (crashPoint < _record.CrashPointCount - 1 && _record.AcknowledgedCountAt(crashPoint) <= index)
        {
            crashPoint++;
        }
        return crashPoint;
    }

    /// <summary>The first call after the crash point whose effect reaches <paramref name="guaranteed"/>, or null.</summary>
    private int? FirstDurable(Func<int, bool> guaranteed)
    {
        for (int crashPoint = _crashPoint + 1; crashPoint < _record.CrashPointCount; crashPoint++)
        {
            if (guaranteed(crashPoint))
            {
                return crashPoint - 1;
            }
        }
        return null;
    }

    /// <summary>The timeline of whole-file msync (Linux 2.6.19 to 3.15), when the model explored is another.</summary>
    private ModelTimeline? WholeFileTimeline =>
        _space.Timeline.Model.Equals(KernelModel.Linux2_6_19To3_15WholeFile) ? null : _record.Timeline(KernelModel.Linux2_6_19To3_15WholeFile);

    private string FileName(int inodeId)
    {
        foreach ((string? name, int id) in _record.DirectoryNames(_record.DirectoryMemoryOrdinal(_crashPoint)))
        {
            if (id == inodeId)
            {
                return name;
            }
        }
        return _image.Names.FirstOrDefault(n => n.Value == inodeId).Key ?? $"inode {inodeId}";
    }

    private static bool IsFile(int inodeId) => inodeId != MemoryStorage.DirectoryEntryId;
}
