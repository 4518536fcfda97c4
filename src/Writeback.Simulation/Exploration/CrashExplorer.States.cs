using Writeback.Simulation.Exploration;

namespace Writeback.Simulation;

public sealed partial class CrashExplorer
{
    /// <summary>
    /// The states to check at one crash point, in a fixed order: all of them (all-lost first) when
    /// there are at most <see cref="ExplorerOptions.MaxStatesPerCrashPoint"/>; otherwise all-lost,
    /// all-kept, every state within k deviations of either, then seeded random samples.
    /// </summary>
    private static IEnumerable<int[]> States(CrashPointSpace space, ExplorerOptions options, bool exhaustive, bool dominated = false)
    {
        if (exhaustive)
        {
            return space.ExhaustiveStates();
        }
        if (dominated)
        {
            // The next crash point allows every image of this one with the same acknowledgements; it
            // explores the deviations and samples, this one only its two extremes.
            return Bounded(space, 0);
        }
        return Bounded(space, options.BoundedDeviations)
            .Concat(Sampled(space, options.RandomSamplesPerCrashPoint, SampleSeed(options.Seed, space.CrashPointIndex, space.Kind)));
    }

    /// <summary>The random samples of one crash point and kind depend only on the seed, the crash point and the kind, never on sharding or threads.</summary>
    private static ulong SampleSeed(ulong seed, int crashPointIndex, CrashKind kind) =>
        SplitMix64.Mix(seed, (ulong)crashPointIndex, (ulong)kind);

    private static IEnumerable<int[]> Bounded(CrashPointSpace space, int maxDeviations)
    {
        var choices = space.Choices;
        var allLost = new int[choices.Length];
        var allKept = AllKept(space);
        yield return allLost;
        yield return allKept;
        for (var deviations = 1; deviations <= maxDeviations; deviations++)
        {
            foreach (var baseState in new[] { allLost, allKept })
            {
                foreach (var state in Deviate(choices, baseState, 0, deviations))
                {
                    space.Normalize(state, preferKept: ReferenceEquals(baseState, allKept));
                    yield return state;
                }
            }
        }
    }

    /// <summary>Every choice at its newest option, made canonical.</summary>
    internal static int[] AllKept(CrashPointSpace space)
    {
        var allKept = space.Choices.Select(choice => choice.KeptIndex).ToArray();
        space.Normalize(allKept, preferKept: true);
        return allKept;
    }

    /// <summary>Every state that differs from <paramref name="baseState"/> in exactly <paramref name="count"/> choices at or after <paramref name="first"/>.</summary>
    private static IEnumerable<int[]> Deviate(Choice[] choices, int[] baseState, int first, int count)
    {
        for (var choiceIndex = first; choiceIndex <= choices.Length - count; choiceIndex++)
        {
            for (var option = 0; option < choices[choiceIndex].OptionCount; option++)
            {
                if (option == baseState[choiceIndex])
                {
                    continue;
                }
                var state = (int[])baseState.Clone();
                state[choiceIndex] = option;
                if (count == 1)
                {
                    yield return state;
                    continue;
                }
                foreach (var deeper in Deviate(choices, state, choiceIndex + 1, count - 1))
                {
                    yield return deeper;
                }
            }
        }
    }

    private static IEnumerable<int[]> Sampled(CrashPointSpace space, int sampleCount, ulong seed)
    {
        var choices = space.Choices;
        var random = new Xoshiro256StarStar(seed);
        for (var sample = 0; sample < sampleCount; sample++)
        {
            var state = new int[choices.Length];
            for (var choiceIndex = 0; choiceIndex < state.Length; choiceIndex++)
            {
                state[choiceIndex] = random.NextInt(choices[choiceIndex].OptionCount);
            }
            space.Normalize(state, preferKept: false, bound => random.NextInt(bound));
            yield return state;
        }
    }
}
