using Writeback.Prng;
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
        // --max-states caps every kind of exploration: the deviations and the samples too.
        return Bounded(space, options.BoundedDeviations)
            .Concat(Sampled(space, SampleCount(space, options), SampleSeed(options.Seed, space.CrashPointIndex)))
            .Take(options.MaxStatesPerCrashPoint);
    }

    /// <summary>Random samples scale with the runs of the crash point: <see cref="SamplesPerRun"/> per run, at most <see cref="ExplorerOptions.RandomSamplesPerCrashPoint"/>.</summary>
    internal static int SampleCount(CrashPointSpace space, ExplorerOptions options) =>
        (int)Math.Min(options.RandomSamplesPerCrashPoint, (long)SamplesPerRun * Runs(space).Count);

    /// <summary>
    /// The random samples of one crash point depend only on the seed and the crash point, never on
    /// sharding or threads; not on the crash kind either, so kinds with the same choices sample the
    /// same images and the checker judges each once.
    /// </summary>
    private static ulong SampleSeed(ulong seed, int crashPointIndex) =>
        SplitMix64.Mix(seed, (ulong)crashPointIndex, 0);

    private static IEnumerable<int[]> Bounded(CrashPointSpace space, int maxDeviations)
    {
        Choice[] choices = space.Choices;
        int[] allLost = new int[choices.Length];
        int[] allKept = AllKept(space);
        yield return allLost;
        yield return allKept;
        for (int deviations = 1; deviations <= maxDeviations; deviations++)
        {
            foreach (int[]? baseState in new[] { allLost, allKept })
            {
                IEnumerable<int[]> states = deviations == 1 ? DeviateOnce(space, baseState, ReferenceEquals(baseState, allKept)) : Deviate(choices, baseState, 0, deviations);
                foreach (int[] state in states)
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
        int[] allKept = space.Choices.Select(choice => choice.KeptIndex).ToArray();
        space.Normalize(allKept, preferKept: true);
        return allKept;
    }

    /// <summary>Every state that differs from <paramref name="baseState"/> in exactly <paramref name="count"/> choices at or after <paramref name="first"/>.</summary>
    private static IEnumerable<int[]> Deviate(Choice[] choices, int[] baseState, int first, int count)
    {
        for (int choiceIndex = first; choiceIndex <= choices.Length - count; choiceIndex++)
        {
            for (int option = 0; option < choices[choiceIndex].OptionCount; option++)
            {
                if (option == baseState[choiceIndex])
                {
                    continue;
                }
                int[] state = (int[])baseState.Clone();
                state[choiceIndex] = option;
                if (count == 1)
                {
                    yield return state;
                    continue;
                }
                foreach (int[] deeper in Deviate(choices, state, choiceIndex + 1, count - 1))
                {
                    yield return deeper;
                }
            }
        }
    }

    private static IEnumerable<int[]> Sampled(CrashPointSpace space, int sampleCount, ulong seed)
    {
        Choice[] choices = space.Choices;
        var random = new Xoshiro256StarStar(seed);
        for (int sample = 0; sample < sampleCount; sample++)
        {
            int[] state = new int[choices.Length];
            for (int choiceIndex = 0; choiceIndex < state.Length; choiceIndex++)
            {
                state[choiceIndex] = random.NextInt(choices[choiceIndex].OptionCount);
            }
            space.Normalize(state, preferKept: false, bound => random.NextInt(bound));
            yield return state;
        }
    }
}
