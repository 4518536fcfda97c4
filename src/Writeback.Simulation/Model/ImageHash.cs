namespace Writeback.Simulation.Model;

/// <summary>
/// Zobrist-style 64-bit hashes of an image's choices: an image's hash is the XOR of one value per
/// page version, length and directory version it shows (value 0 for the initial ones), so changing
/// one choice changes the hash by one XOR. Identical hashes are treated as identical images.
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

    public static ulong Page(long pageKey, int ordinal) =>
        ordinal == 0 ? 0 : SplitMix64.Mix((ulong)pageKey, (ulong)ordinal, PageSalt);

    public static ulong Torn(long pageKey, int ordinal, ulong newSectorMask) =>
        SplitMix64.Mix((ulong)pageKey ^ TornSalt, (ulong)ordinal, newSectorMask);

    public static ulong Length(int inodeId, int ordinal) =>
        ordinal == 0 ? 0 : SplitMix64.Mix((ulong)inodeId, (ulong)ordinal, LengthSalt);

    public static ulong Directory(int ordinal) =>
        ordinal == 0 ? 0 : SplitMix64.Mix((ulong)ordinal, 0, DirectorySalt);
}
