using System.Buffers.Binary;
using System.Globalization;
using Writeback.Formatting;
using Writeback.Prng;
using Writeback.Simulation.Exploration;

namespace Writeback.Simulation.Examples;

/// <summary>Deterministic payloads and a fast 64-bit checksum shared by the bundled scenarios.</summary>
internal static class ScenarioCodec
{
    /// <summary>Fills <paramref name="destination"/> with the bytes record <paramref name="sequence"/> carries; never all zeros.</summary>
    public static void FillPayload(long sequence, Span<byte> destination)
    {
        ulong state = (ulong)sequence * 0x9E3779B97F4A7C15UL;
        Span<byte> bytes = stackalloc byte[8];
        for (int offset = 0; offset < destination.Length; offset += 8)
        {
            ulong word = SplitMix64.Next(ref state) | 1;
            int count = Math.Min(8, destination.Length - offset);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, word);
            bytes[..count].CopyTo(destination[offset..]);
        }
    }

    /// <summary>
    /// The common start of the bundled checkers: the last value acknowledged before the crash (they
    /// acknowledge counts), and the surviving file opened read-only. When the file did not survive,
    /// returns the verdict instead: fine while nothing was acknowledged, a failure otherwise.
    /// </summary>
    public static CheckResult? OpenSurvivor(IMappedStorage recovered, CrashContext context, string fileName, string what,
                                            out IMappedFile? file, out long acknowledged)
    {
        ArgumentNullException.ThrowIfNull(recovered);
        ArgumentNullException.ThrowIfNull(context);
        acknowledged = context.Acknowledged.Count == 0 ? 0 : context.Acknowledged[^1];
        file = null;
        if (!recovered.Exists(fileName))
        {
            return acknowledged == 0 ? CheckResult.Ok
                : CheckResult.Fail(string.Create(CultureInfo.InvariantCulture, $"{fileName} is missing, but {what} {acknowledged} was acknowledged"));
        }
        file = recovered.Open(fileName, new MappedFileOptions { Mode = FileMode.Open, Access = FileAccess.Read });
        return null;
    }

    /// <summary>The verdict of a log checker that recovered <paramref name="recoveredCount"/> records in order: every acknowledged one must be among them.</summary>
    public static CheckResult RecoveredAllAcknowledged(long recoveredCount, long acknowledgedCount) =>
        recoveredCount >= acknowledgedCount ? CheckResult.Ok
            : CheckResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"record {recoveredCount + 1} was acknowledged but recovery found only {Counted.Of(recoveredCount, "record")} (acknowledged: {acknowledgedCount})"));

    /// <summary>A 64-bit checksum of <paramref name="bytes"/> seeded with <paramref name="seed"/>; never 0.</summary>
    public static ulong Checksum(ReadOnlySpan<byte> bytes, ulong seed)
    {
        ulong hash = SplitMix64.Mix(seed ^ (ulong)bytes.Length);
        int offset = 0;
        for (; offset + 8 <= bytes.Length; offset += 8)
        {
            hash = ulong.RotateLeft((hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..])) * 0x9E3779B97F4A7C15UL, 29);
        }
        for (; offset < bytes.Length; offset++)
        {
            hash = (hash ^ bytes[offset]) * 0xBF58476D1CE4E5B9UL;
        }
        return SplitMix64.Mix(hash) | 1;
    }
}
