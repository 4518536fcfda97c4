using System.Globalization;
using Writeback.Simulation.Exploration;
using Writeback.Simulation.Kernel;
using Writeback.Simulation.Storage;

namespace Writeback.Simulation;

public sealed partial class SimulationRecord
{
    /// <summary>
    /// Whether <paramref name="image"/> (durable file name -> content) is a post-crash image that
    /// <paramref name="model"/> allows at crash point <paramref name="crashPointIndex"/> for a crash of
    /// kind <paramref name="kind"/>: the names are one of the directory states the model allows, and
    /// each file's length and each of its pages is the guaranteed value or a newer recorded one, or
    /// (power loss, atomic unit below a page) a page whose every atomic unit holds one of those versions.
    /// </summary>
    /// <remarks>
    /// Decided choice by choice, independently of the explorer's enumeration, so each checks the other.
    /// It accepts every torn page the model allows; the explorer enumerates the torn mixes of the
    /// guaranteed version with each newer one, a subset.
    /// </remarks>
    /// <param name="model">The kernel model.</param>
    /// <param name="kind">The crash kind.</param>
    /// <param name="crashPointIndex">0 ≤ crashPointIndex ≤ <see cref="CallCount"/>.</param>
    /// <param name="atomicWriteBytes">The atomic write unit in bytes.</param>
    /// <param name="image">The post-crash files.</param>
    /// <param name="reason">When not allowed, the first name, length or page that cannot be explained.</param>
    /// <returns>Whether the model allows the image.</returns>
    public bool Allows(KernelModel model, CrashKind kind, int crashPointIndex, int atomicWriteBytes,
                       IReadOnlyDictionary<string, byte[]> image, out string reason)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(crashPointIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(crashPointIndex, CallCount);
        new ExplorerOptions { AtomicWriteBytes = atomicWriteBytes }.Validate(PageSizeBytes);
        var timeline = Timeline(model);
        var level = ModelTimeline.LevelOf(kind);
        var unitBytes = Math.Min(atomicWriteBytes, PageSizeBytes);
        var tear = kind == CrashKind.PowerLoss && unitBytes < PageSizeBytes;
        var guaranteedDirectory = timeline.GuaranteedDirectory(level, crashPointIndex);
        reason = $"the names [{string.Join(", ", image.Keys.Order(StringComparer.Ordinal))}] are no directory state allowed at crash point {crashPointIndex}";
        var memoryDirectory = DirectoryMemoryOrdinal(crashPointIndex);
        var directoryStates = Enumerable.Range(guaranteedDirectory, Math.Max(0, memoryDirectory - guaranteedDirectory + 1))
            .Concat(timeline.MixedStates(level, crashPointIndex, guaranteedDirectory, memoryDirectory));
        foreach (var ordinal in directoryStates)
        {
            var names = ordinal >= ModelTimeline.MixedStateBase || HasSubdirectories
                ? timeline.NamesAt(level, crashPointIndex, ordinal).Where(n => n.Value != MemoryStorage.DirectoryEntryId).ToDictionary(StringComparer.Ordinal)
                : DirectoryNames(ordinal);
            if (names.Count != image.Count || !image.Keys.All(names.ContainsKey))
            {
                continue;
            }
            if (FilesAllowed(timeline, level, crashPointIndex, unitBytes, tear, names, image, out reason))
            {
                return true;
            }
        }
        return false;
    }

    private bool FilesAllowed(ModelTimeline timeline, int level, int crashPointIndex, int unitBytes, bool tear,
                              IReadOnlyDictionary<string, int> names, IReadOnlyDictionary<string, byte[]> image, out string reason)
    {
        foreach (var (name, content) in image.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var inodeId = names[name];
            var lengthOrdinals = Enumerable.Range(timeline.GuaranteedLength(level, inodeId, crashPointIndex),
                LengthMemoryOrdinal(inodeId, crashPointIndex) - timeline.GuaranteedLength(level, inodeId, crashPointIndex) + 1).ToList();
            var matching = lengthOrdinals.Where(o => LengthBytes(inodeId, o) == content.Length).ToList();
            if (matching.Count == 0)
            {
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"'{name}' is {content.Length} bytes long; allowed lengths: {string.Join(", ", lengthOrdinals.Select(o => LengthBytes(inodeId, o)).Distinct())}");
                return false;
            }
            var pagesReason = "";
            if (!matching.Any(lengthOrdinal => PagesAllowed(timeline, level, crashPointIndex, unitBytes, tear, name, inodeId, lengthOrdinal, content, out pagesReason)))
            {
                reason = pagesReason;
                return false;
            }
        }
        reason = "";
        return true;
    }

    /// <summary>Whether every page of <paramref name="content"/> is allowed with the file at length version <paramref name="lengthOrdinal"/> (which decides the epoch of a page a shrink cut).</summary>
    private bool PagesAllowed(ModelTimeline timeline, int level, int crashPointIndex, int unitBytes, bool tear, string name, int inodeId,
                              int lengthOrdinal, byte[] content, out string reason)
    {
        reason = "";
        for (var pageIndex = 0; (long)pageIndex * PageSizeBytes < content.Length; pageIndex++)
        {
            var start = pageIndex * PageSizeBytes;
            var actual = content.AsSpan(start, Math.Min(PageSizeBytes, content.Length - start));
            var pageKey = ImageHash.PageKey(inodeId, pageIndex);
            var (lo, hi) = HasCuts(pageKey)
                ? timeline.EpochRange(level, pageKey, crashPointIndex, EpochOfLength(pageKey, lengthOrdinal))
                : (timeline.GuaranteedPage(level, pageKey, crashPointIndex), MemoryOrdinal(pageKey, crashPointIndex));
            if (!PageAllowed(unitBytes, tear, pageKey, lo, hi, actual))
            {
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"'{name}' page {pageIndex} (bytes {start} to {start + actual.Length}) matches neither its guaranteed version nor a newer recorded one{(tear ? " nor a torn mix of them" : "")}");
                return false;
            }
        }
        return true;
    }

    private bool PageAllowed(int unitBytes, bool tear, long pageKey, int guaranteed, int memory, ReadOnlySpan<byte> actual)
    {
        for (var ordinal = guaranteed; ordinal <= memory; ordinal++)
        {
            if (actual.SequenceEqual(PageBytes(pageKey, ordinal).AsSpan(0, actual.Length)))
            {
                return true;
            }
        }
        if (!tear)
        {
            return false;
        }
        // Torn: each atomic unit holds the last version whose write of that unit completed, so any
        // unit may hold any version from the guaranteed one to the newest, independently.
        for (var start = 0; start < actual.Length; start += unitBytes)
        {
            var count = Math.Min(unitBytes, actual.Length - start);
            var unitExplained = false;
            for (var ordinal = guaranteed; ordinal <= memory && !unitExplained; ordinal++)
            {
                unitExplained = actual.Slice(start, count).SequenceEqual(PageBytes(pageKey, ordinal).AsSpan(start, count));
            }
            if (!unitExplained)
            {
                return false;
            }
        }
        return true;
    }
}
