using Writeback.Prng;

namespace Writeback.Simulation.Tests;

public sealed class PrngTests
{
    [Fact]
    public void SplitMix64_matches_the_reference_output()
    {
        // The first output of SplitMix64 from state 0 (Steele, Lea and Flood's reference code).
        ulong state = 0UL;
        Assert.Equal(0xE220A8397B1DCDAFUL, SplitMix64.Next(ref state));
    }

    [Fact]
    public void Xoshiro256StarStar_matches_the_reference_sequence()
    {
        // Blackman and Vigna's xoshiro256starstar.c from state {1, 2, 3, 4}.
        var random = new Xoshiro256StarStar(1, 2, 3, 4);
        Assert.Equal(11520UL, random.NextUInt64());
        Assert.Equal(0UL, random.NextUInt64());
        Assert.Equal(1509978240UL, random.NextUInt64());
        Assert.Equal(1215971899390074240UL, random.NextUInt64());
    }

    [Fact]
    public void Bounded_integers_stay_in_range_and_reach_every_value()
    {
        var random = new Xoshiro256StarStar(42);
        int[] seen = new int[7];
        for (int draw = 0; draw < 7000; draw++)
        {
            seen[random.NextInt(7)]++;
        }
        Assert.All(seen, count => Assert.InRange(count, 800, 1200));
        Assert.Equal(new Xoshiro256StarStar(42).NextUInt64(), new Xoshiro256StarStar(42).NextUInt64());
    }
}
