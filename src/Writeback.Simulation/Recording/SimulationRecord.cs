using System.Collections.Concurrent;
using Writeback.Simulation.Exploration;
using Writeback.Simulation.Kernel;
using Writeback.Simulation.Recording;
using Writeback.Simulation.Storage;

namespace Writeback.Simulation;

/// <summary>
/// One recorded run of a scenario's workload: every persistence-relevant call, every version of
/// every page, file length and directory, and the acknowledgements. Kernel models are applied to it
/// afterwards, so one record serves every model.
/// </summary>
/// <remarks>
/// Crash point <c>i</c> (0 ≤ i ≤ <see cref="CallCount"/>) is the moment just before recorded call
/// <c>i</c> executes; its memory holds every store made so far, including stores through spans.
/// Crash point <see cref="CallCount"/> is after the last call. There are <see cref="CrashPointCount"/> crash points.
/// </remarks>
public sealed partial class SimulationRecord
{
    private static readonly byte[][] ZeroPages = new byte[17][];
    private readonly List<RecordedCall> _calls;
    private readonly InodeHistory[] _inodes;
    private readonly List<(int VisibleFrom, IReadOnlyDictionary<string, int> Names)> _directory;
    private readonly long[] _acknowledged;
    private readonly int[] _acknowledgedCountAt;
    private readonly ConcurrentDictionary<KernelModel, ModelTimeline> _timelines = new();

    internal SimulationRecord(string scenarioName, int pageSizeBytes, List<RecordedCall> calls, List<InodeHistory> inodes,
                              List<(int VisibleFrom, IReadOnlyDictionary<string, int> Names)> directory,
                              Acknowledgements acknowledged)
    {
        ScenarioName = scenarioName;
        PageSizeBytes = pageSizeBytes;
        _calls = calls;
        _inodes = [.. inodes];
        _directory = directory;
        _acknowledged = [.. acknowledged.Values];
        _acknowledgedCountAt = acknowledged.CountsAt(calls.Count + 1);
        NewVersionsAt = BucketNewVersions();
        ZeroPage = ZeroPageOf(pageSizeBytes);
        _cuts = IndexCuts(_inodes);
        _directoryInodes = new HashSet<int>?[directory.Count];
    }

    private readonly Dictionary<long, (int VersionOrdinal, int LengthOrdinal)[]> _cuts;
    private readonly HashSet<int>?[] _directoryInodes;

    /// <summary>The pages of <paramref name="inodeId"/> that a shrink ever cut.</summary>
    internal IEnumerable<long> CutPagesOf(int inodeId) => _cuts.Keys.Where(pageKey => ImageHash.InodeOf(pageKey) == inodeId);

    /// <summary>Whether a shrink ever cut this page: its versions then fall into epochs, one per cut (<see cref="PageVersion.CutAtLength"/>).</summary>
    internal bool HasCuts(long pageKey) => _cuts.ContainsKey(pageKey);

    /// <summary>The epoch a file length version demands of a page: how many cuts of it that length version or an earlier one made.</summary>
    internal int EpochOfLength(long pageKey, int lengthOrdinal)
    {
        if (!_cuts.TryGetValue(pageKey, out (int VersionOrdinal, int LengthOrdinal)[]? cuts))
        {
            return 0;
        }
        int epoch = 0;
        while (epoch < cuts.Length && cuts[epoch].LengthOrdinal <= lengthOrdinal)
        {
            epoch++;
        }
        return epoch;
    }

    /// <summary>The versions of one epoch of a page: from its cut version (0 for the first epoch) to the one before the next cut, at most <paramref name="memoryOrdinal"/>.</summary>
    internal (int First, int Last) EpochVersions(long pageKey, int epoch, int memoryOrdinal)
    {
        if (!_cuts.TryGetValue(pageKey, out (int VersionOrdinal, int LengthOrdinal)[]? cuts))
        {
            return (0, memoryOrdinal);
        }
        int first = epoch == 0 ? 0 : cuts[epoch - 1].VersionOrdinal;
        int last = epoch < cuts.Length ? Math.Min(cuts[epoch].VersionOrdinal - 1, memoryOrdinal) : memoryOrdinal;
        return (first, last);
    }

    private static Dictionary<long, (int VersionOrdinal, int LengthOrdinal)[]> IndexCuts(InodeHistory[] inodes)
    {
        var cuts = new Dictionary<long, (int, int)[]>();
        foreach (InodeHistory inode in inodes)
        {
            for (int pageIndex = 0; pageIndex < inode.Versions.Count; pageIndex++)
            {
                List<PageVersion>? versions = inode.Versions[pageIndex];
                if (versions is null || !versions.Any(v => v.CutAtLength >= 0))
                {
                    continue;
                }
                cuts.Add(ImageHash.PageKey(inode.Id, pageIndex),
                    [.. versions.Select((v, index) => (Ordinal: index + 1, v.CutAtLength)).Where(v => v.CutAtLength >= 0)]);
            }
        }
        return cuts;
    }

    /// <summary>The name of the scenario that was run.</summary>
    public string ScenarioName { get; }

    /// <summary>The simulated page size in bytes.</summary>
    public int PageSizeBytes { get; }

    /// <summary>The number of recorded calls, N.</summary>
    public int CallCount => _calls.Count;

    /// <summary>The number of crash points, N + 1: before each call, and after the last.</summary>
    public int CrashPointCount => _calls.Count + 1;

    /// <summary>
    /// The first crash point explored: the number of calls that set up the initial state, when the
    /// workload called <see cref="SimulatedStorage.EndSetup"/>; otherwise 0.
    /// </summary>
    public int FirstExploredCrashPoint { get; internal init; }

    /// <summary>How many durability calls (<see cref="StorageFaults"/> counts them) the workload made.</summary>
    public int DurabilityCallCount { get; init; }

    /// <summary>Whether a subdirectory ever existed: names are then durable per directory (<see cref="ModelTimeline"/>).</summary>
    internal bool HasSubdirectories { get; init; }

    /// <summary>Per directory state: its entries per directory (<see cref="TreeEntry"/>), or null while no subdirectory had existed (every name then is in the root).</summary>
    internal IReadOnlyList<TreeEntry[]?> DirectoryTrees { get; init; } = [];

    /// <summary>The faults injected while recording, or <see langword="null"/>.</summary>
    internal StorageFaults? InjectedFaultPlan { get; init; }

    /// <summary>The injected faults that made calls fail, in words (e.g. <c>#7 Flush(wal.bin, offset=0, length=64) failed with EIO</c>), or null.</summary>
    internal string? InjectedFaults => InjectedFaultPlan is null ? null
        : string.Join("; ", _calls.Select((call, index) => (call, index)).Where(c => c.call.Outcome == CallOutcome.Failed)
            .Select(c => $"#{c.index} {c.call.Description} failed with {InjectedFaultPlan.Errno}")) is { Length: > 0 } text ? text
        : $"{InjectedFaultPlan} (no call reached it)";

    /// <summary>The index of the first call an injected fault made fail, or -1.</summary>
    internal int FirstFailedCall() => _calls.FindIndex(call => call.Outcome == CallOutcome.Failed);

    /// <summary>Every value the workload acknowledged, in order.</summary>
    public IReadOnlyList<long> Acknowledged => _acknowledged;

    internal IReadOnlyList<RecordedCall> Calls => _calls;

    internal IReadOnlyList<InodeHistory> Inodes => _inodes;

    internal byte[] ZeroPage { get; }

    /// <summary>For each crash point, the pages that got a new version visible from it.</summary>
    internal long[][] NewVersionsAt { get; }

    /// <summary>Recorded call <paramref name="index"/> in words, e.g. <c>Flush(log.bin, offset=4096, length=4096)</c>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="CallCount"/>.</param>
    /// <returns>The call's description.</returns>
    public string DescribeCall(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _calls.Count);
        return _calls[index].Description;
    }

    /// <summary>
    /// Which <see cref="ModelCall"/> recorded call <paramref name="index"/> is, so its effect under any model can be
    /// compared (<see cref="KernelModel.EffectOf"/>); null for a call without a durability effect (a write, a rename).
    /// </summary>
    /// <param name="index">0 ≤ index &lt; <see cref="CallCount"/>.</param>
    /// <returns>The model call, or null.</returns>
    public ModelCall? ModelCallOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _calls.Count);
        ModelCall? call = ModelCalls.Of(_calls[index]);
        return call == ModelCalls.InitialState ? null : call;
    }

    /// <summary>The crash point in words: <c>before #i Call</c>, or <c>after #N-1 Call</c> for the last one.</summary>
    /// <param name="crashPointIndex">0 ≤ crashPointIndex ≤ <see cref="CallCount"/>.</param>
    /// <returns>The description.</returns>
    public string DescribeCrashPoint(int crashPointIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(crashPointIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(crashPointIndex, _calls.Count);
        if (crashPointIndex < _calls.Count)
        {
            return _calls[crashPointIndex].Description;
        }
        return _calls.Count == 0 ? "after the workload (no calls)" : "after " + _calls[^1].Description;
    }

    /// <summary>The values acknowledged before crash point <paramref name="crashPointIndex"/>.</summary>
    /// <param name="crashPointIndex">0 ≤ crashPointIndex ≤ <see cref="CallCount"/>.</param>
    /// <returns>A prefix of <see cref="Acknowledged"/>.</returns>
    public IReadOnlyList<long> AcknowledgedAt(int crashPointIndex) =>
        new ArraySegment<long>(_acknowledged, 0, _acknowledgedCountAt[crashPointIndex]);

    internal int AcknowledgedCountAt(int crashPointIndex) => _acknowledgedCountAt[crashPointIndex];

    internal ModelTimeline Timeline(KernelModel model) => _timelines.GetOrAdd(model, static (m, record) => new ModelTimeline(record, m), this);

    /// <summary>The ordinal of the page version in memory at a crash point: 0 is zeros, k is the k-th recorded version.</summary>
    internal int MemoryOrdinal(long pageKey, int crashPointIndex)
    {
        List<PageVersion>? versions = VersionsOf(pageKey);
        return versions is null ? 0 : Kernel.Timeline.CountAtOrBefore(versions, crashPointIndex, static v => v.VisibleFrom);
    }

    internal byte[] PageBytes(long pageKey, int ordinal) =>
        ordinal == 0 ? ZeroPage : VersionsOf(pageKey)![ordinal - 1].Bytes;

    internal int LengthMemoryOrdinal(int inodeId, int crashPointIndex) => LastAtOrBefore(_inodes[inodeId].Lengths, crashPointIndex);

    internal long LengthBytes(int inodeId, int ordinal) => _inodes[inodeId].Lengths[ordinal].LengthBytes;

    internal int DirectoryMemoryOrdinal(int crashPointIndex) => LastAtOrBefore(_directory, crashPointIndex);

    internal IReadOnlyDictionary<string, int> DirectoryNames(int ordinal) => _directory[ordinal].Names;

    /// <summary>The files a directory state names (built once per state, shared by every crash point).</summary>
    internal HashSet<int> DirectoryInodes(int ordinal)
    {
        HashSet<int>? cached = _directoryInodes[ordinal];
        if (cached is null)
        {
            cached = [.. _directory[ordinal].Names.Values.Where(id => id != MemoryStorage.DirectoryEntryId)];
            _directoryInodes[ordinal] = cached;
        }
        return cached;
    }

    internal int DirectoryVersionCount => _directory.Count;

    /// <summary>The first crash point at which directory state <paramref name="ordinal"/> is in memory.</summary>
    internal int DirectoryVisibleFrom(int ordinal) => _directory[ordinal].VisibleFrom;

    /// <summary>The first crash point at which version <paramref name="ordinal"/> (1 or more) of a page is in memory.</summary>
    internal int VersionVisibleFrom(long pageKey, int ordinal) => ordinal == 0 ? 0 : VersionsOf(pageKey)![ordinal - 1].VisibleFrom;

    internal IReadOnlyList<(int VisibleFrom, long LengthBytes)> LengthsOf(int inodeId) => _inodes[inodeId].Lengths;

    internal bool InodeExists(int inodeId, int crashPointIndex) => _inodes[inodeId].CreatedAt <= crashPointIndex;

    private List<PageVersion>? VersionsOf(long pageKey)
    {
        List<List<PageVersion>?> versions = _inodes[ImageHash.InodeOf(pageKey)].Versions;
        int pageIndex = ImageHash.PageOf(pageKey);
        return pageIndex < versions.Count ? versions[pageIndex] : null;
    }

    private static int LastAtOrBefore<T>(List<(int VisibleFrom, T Value)> timeline, int crashPointIndex) =>
        Math.Max(Kernel.Timeline.CountAtOrBefore(timeline, crashPointIndex, static entry => entry.VisibleFrom) - 1, 0);

    private long[][] BucketNewVersions()
    {
        var buckets = new List<long>?[_calls.Count + 1];
        foreach (InodeHistory inode in _inodes)
        {
            for (int pageIndex = 0; pageIndex < inode.Versions.Count; pageIndex++)
            {
                foreach (PageVersion version in inode.Versions[pageIndex] ?? [])
                {
                    (buckets[version.VisibleFrom] ??= []).Add(ImageHash.PageKey(inode.Id, pageIndex));
                }
            }
        }
        return [.. buckets.Select(bucket => bucket is null ? [] : bucket.ToArray())];
    }

    private static byte[] ZeroPageOf(int pageSizeBytes)
    {
        int log2 = System.Numerics.BitOperations.Log2((uint)pageSizeBytes);
        if (log2 < ZeroPages.Length)
        {
            return ZeroPages[log2] ??= new byte[pageSizeBytes];
        }
        return new byte[pageSizeBytes];
    }
}
