namespace Writeback.Simulation;

using Writeback.Simulation.Exploration;

public sealed partial class CrashExplorer
{
    /// <summary>Runs of pages shorter than this are deviated page by page; longer ones as a unit and at their two ends.</summary>
    internal const int RunAsUnitPages = 3;

    /// <summary>Random samples per run of a bounded crash point: one 4 MiB chunk stored by one call needs a few, not 64.</summary>
    internal const int SamplesPerRun = 8;

    /// <summary>
    /// The states one deviation away from <paramref name="baseState"/>. Every choice that is not a
    /// page (a length, the directory) and every page of a short run deviates alone, to each of its
    /// options. A run of pages (consecutive pages of one file whose newest version the same call
    /// stored, e.g. the 1,024 pages of a 4 MiB chunk) deviates as a unit, all of it to the other
    /// extreme, and at its first and last page alone: three states instead of one per page, so
    /// bounded exploration costs the number of runs, not of pages. Random samples still mix pages freely.
    /// </summary>
    private static IEnumerable<int[]> DeviateOnce(CrashPointSpace space, int[] baseState, bool fromKept)
    {
        Choice[] choices = space.Choices;
        foreach (List<int> run in Runs(space))
        {
            if (run.Count < RunAsUnitPages)
            {
                foreach (int choiceIndex in run)
                {
                    foreach (int[] state in DeviateChoice(choices, baseState, choiceIndex))
                    {
                        yield return state;
                    }
                }
                continue;
            }
            int[] whole = (int[])baseState.Clone();
            foreach (int choiceIndex in run)
            {
                whole[choiceIndex] = fromKept ? 0 : choices[choiceIndex].KeptIndex;
            }
            yield return whole;
            foreach (int end in new[] { run[0], run[^1] })
            {
                foreach (int[] state in DeviateChoice(choices, baseState, end))
                {
                    yield return state;
                }
            }
        }
    }

    private static IEnumerable<int[]> DeviateChoice(Choice[] choices, int[] baseState, int choiceIndex)
    {
        for (int option = 0; option < choices[choiceIndex].OptionCount; option++)
        {
            if (option != baseState[choiceIndex])
            {
                int[] state = (int[])baseState.Clone();
                state[choiceIndex] = option;
                yield return state;
            }
        }
    }

    /// <summary>The choices in runs: each non-page choice alone; pages grouped while consecutive in one file with their newest version stored by the same call.</summary>
    internal static List<List<int>> Runs(CrashPointSpace space)
    {
        var runs = new List<List<int>>();
        List<int>? current = null;
        (int InodeId, int PageIndex, int StoredAt) previous = (-1, -1, -1);
        for (int choiceIndex = 0; choiceIndex < space.Choices.Length; choiceIndex++)
        {
            Choice choice = space.Choices[choiceIndex];
            if (choice.Kind != ChoiceKind.Page)
            {
                runs.Add([choiceIndex]);
                current = null;
                continue;
            }
            int storedAt = space.Record.VersionVisibleFrom(ImageHash.PageKey(choice.InodeId, choice.PageIndex), choice.Options[choice.KeptIndex].Ordinal);
            if (current is not null && choice.InodeId == previous.InodeId && choice.PageIndex == previous.PageIndex + 1 && storedAt == previous.StoredAt)
            {
                current.Add(choiceIndex);
            }
            else
            {
                current = [choiceIndex];
                runs.Add(current);
            }
            previous = (choice.InodeId, choice.PageIndex, storedAt);
        }
        return runs;
    }
}
