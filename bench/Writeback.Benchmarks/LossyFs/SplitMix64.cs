namespace Writeback.Benchmarks.LossyFs;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a seeded generator for the read offsets, so every run
/// and both file systems read the same pages (the project never uses System.Random).
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, <paramref name="bound"/>).</summary>
    public long NextBelow(long bound) => (long)(Next() % (ulong)bound);
}
