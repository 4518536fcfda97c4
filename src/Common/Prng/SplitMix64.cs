namespace Writeback.Prng;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
/// the project's one seeded generator and mix, shared as source by the simulator, LossyFs, the
/// benchmarks and the tests. Never <see cref="System.Random"/>: its algorithm may change between .NET
/// versions, and the same seed must give the same result forever. Used three ways: as a stream
/// (<see cref="Next()"/>), as a counter-based generator (<see cref="OutputAt"/>: the output at a given
/// state, so a choice depends only on its inputs, not on the order things are visited in), and as a
/// 64-bit hash finaliser (<see cref="Mix(ulong)"/>).
/// </summary>
internal struct SplitMix64(ulong seed)
{
    /// <summary>The increment of the state per output (the golden ratio in 64-bit fixed point).</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private ulong _state = seed;

    /// <summary>The next output of this stream.</summary>
    public ulong Next() => Next(ref _state);

    /// <summary>A value in [0, <paramref name="bound"/>) (modulo reduction: a tiny bias, fine for workloads).</summary>
    public long NextBelow(long bound) => (long)(Next() % (ulong)bound);

    /// <summary>Advances <paramref name="state"/> and returns the output there.</summary>
    public static ulong Next(ref ulong state)
    {
        state += Gamma;
        return Mix(state);
    }

    /// <summary>The output a stream gives when it steps from <paramref name="state"/>: <c>Mix(state + Gamma)</c>.</summary>
    public static ulong OutputAt(ulong state) => Mix(state + Gamma);

    /// <summary>The SplitMix64 finaliser: a bijective 64-bit mix.</summary>
    public static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }

    /// <summary>Three values mixed into one 64-bit hash.</summary>
    public static ulong Mix(ulong a, ulong b, ulong c) => Mix(Mix(Mix(a) ^ b) ^ c);

    /// <summary>A fair coin for (<paramref name="seed"/>, <paramref name="stream"/>, <paramref name="index"/>), independent of call order.</summary>
    public static bool Coin(ulong seed, ulong stream, ulong index) => (OutputAt(OutputAt(seed ^ OutputAt(stream)) ^ index) & 1) != 0;
}
