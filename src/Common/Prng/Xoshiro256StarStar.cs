namespace Writeback.Prng;

/// <summary>
/// The project's seeded PRNG: xoshiro256** (Blackman and Vigna), its state filled by SplitMix64 from
/// one 64-bit seed. Never <see cref="System.Random"/>: its algorithm may change between .NET versions,
/// and the same seed must give the same report forever.
/// </summary>
internal struct Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256StarStar(ulong seed)
    {
        ulong splitMix = seed;
        _s0 = SplitMix64.Next(ref splitMix);
        _s1 = SplitMix64.Next(ref splitMix);
        _s2 = SplitMix64.Next(ref splitMix);
        _s3 = SplitMix64.Next(ref splitMix);
    }

    /// <summary>Starts from an explicit state, for the reference-vector test.</summary>
    internal Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3) => (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), by Lemire's multiply-shift with rejection.</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        ulong threshold = (ulong)((0u - (uint)bound) % (uint)bound);
        while (true)
        {
            ulong product = (NextUInt64() >> 32) * (uint)bound;
            if ((product & uint.MaxValue) >= threshold)
            {
                return (int)(product >> 32);
            }
        }
    }
}
