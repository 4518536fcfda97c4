using Writeback.Prng;

namespace Writeback.Simulation.Exploration;

/// <summary>
/// Zobrist-style 128-bit hashes of an image's choices: an image's hash is the XOR of one value per
/// page version, length and directory version it shows (value 0 for the initial ones), so changing
/// one choice changes the hash by one XOR. Each value is two independent 64-bit mixes, so two
/// different images share a hash with probability 2^-128; identical hashes are treated as identical
/// images (and a failing verdict found through the cache is re-checked on the image itself).
/// </summary>
internal static class ImageHash
{
    private const ulong PageSalt = 0x5041_4745_0000_0001UL;
    private const ulong TornSalt = 0x544F_524E_0000_0002UL;
    private const ulong LengthSalt = 0x4C45_4E47_0000_0003UL;
    private const ulong DirectorySalt = 0x4449_5245_0000_0004UL;

    public static long PageKey(int inodeId, int pageIndex) => ((long)inodeId << 32) | (uint)pageIndex;

    public static int InodeOf(long pageKey) => (int)(pageKey >> 32);

    public static int PageOf(long pageKey) => (int)(uint)pageKey;

    private const ulong SecondHalfSalt = 0x9E37_79B9_7F4A_7C15UL;

    public static UInt128 Page(long pageKey, int ordinal) =>
        ordinal == 0 ? 0 : Wide((ulong)pageKey, (ulong)ordinal, PageSalt);

    public static UInt128 Torn(long pageKey, int ordinal, ulong newSectorMask) =>
        Wide((ulong)pageKey ^ TornSalt, (ulong)ordinal, newSectorMask);

    public static UInt128 Length(int inodeId, int ordinal) =>
        ordinal == 0 ? 0 : Wide((ulong)inodeId, (ulong)ordinal, LengthSalt);

    public static UInt128 Directory(int ordinal) =>
        ordinal == 0 ? 0 : Wide((ulong)ordinal, 0, DirectorySalt);

    private static UInt128 Wide(ulong a, ulong b, ulong c) =>
        new(SplitMix64.Mix(a, b, c), SplitMix64.Mix(a ^ SecondHalfSalt, b, c ^ SecondHalfSalt));
}
