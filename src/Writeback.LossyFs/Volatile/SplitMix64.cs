namespace Writeback.LossyFs.Volatile;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
/// a stateless mix, so a crash's choices depend only on the seed, the file and the unit, not on
/// the order files are visited in. The project never uses System.Random.
/// </summary>
internal static class SplitMix64
{
    /// <summary>Mixes <paramref name="value"/> into 64 well-distributed bits.</summary>
    public static ulong Mix(ulong value)
    {
        value += 0x9E3779B97F4A7C15UL;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }

    /// <summary>A fair coin for (<paramref name="seed"/>, <paramref name="stream"/>, <paramref name="index"/>).</summary>
    public static bool Coin(ulong seed, ulong stream, ulong index) => (Mix(Mix(seed ^ Mix(stream)) ^ index) & 1) != 0;
}
