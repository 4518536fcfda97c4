using Writeback.Simulation.Model;

namespace Writeback.Simulation;

public sealed partial class CrashExplorer
{
    /// <summary>
    /// The states to check at one crash point, in a fixed order: all of them (all-lost first) when
    /// there are at most <see cref="ExplorerOptions.MaxStatesPerCrashPoint"/>; otherwise all-lost,
    /// all-kept, every state within k deviations of either, then seeded random samples.
    /// </summary>
    private static IEnumerable<int[]> States(CrashPointSpace space, ExplorerOptions options)
    {
        var choices = space.Choices;
        if (space.StateCount <= options.MaxStatesPerCrashPoint)
        {
            return Exhaustive(choices);
        }
        return Bounded(choices, options.BoundedDeviations)
            .Concat(Sampled(choices, options.RandomSamplesPerCrashPoint, SampleSeed(options.Seed, space.CrashPointIndex, space.Kind)));
    }

    /// <summary>The random samples of one crash point and kind depend only on the seed, the crash point and the kind, never on sharding or threads.</summary>
    private static ulong SampleSeed(ulong seed, int crashPointIndex, CrashKind kind) =>
        SplitMix64.Mix(seed, (ulong)crashPointIndex, (ulong)kind);

    private static IEnumerable<int[]> Exhaustive(Choice[] choices)
    {
        var state = new int[choices.Length];
        while (true)
        {
            yield return (int[])state.Clone();
            var position = 0;
            while (position < state.Length && ++state[position] == choices[position].OptionCount)
            {
                state[position] = 0;
                position++;
            }
            if (position == state.Length)
            {
                yield break;
            }
        }
    }

    private static IEnumerable<int[]> Bounded(Choice[] choices, int maxDeviations)
    {
        var allLost = new int[choices.Length];
        var allKept = Enumerable.Repeat(1, choices.Length).ToArray();
        yield return allLost;
        yield return allKept;
        for (var deviations = 1; deviations <= maxDeviations; deviations++)
        {
            foreach (var baseState in new[] { allLost, allKept })
            {
                foreach (var state in Deviate(choices, baseState, 0, deviations))
                {
                    yield return state;
                }
            }
        }
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

    private static IEnumerable<int[]> Sampled(Choice[] choices, int sampleCount, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        for (var sample = 0; sample < sampleCount; sample++)
        {
            var state = new int[choices.Length];
            for (var choiceIndex = 0; choiceIndex < state.Length; choiceIndex++)
            {
                state[choiceIndex] = random.NextInt(choices[choiceIndex].OptionCount);
            }
            yield return state;
        }
    }
}
