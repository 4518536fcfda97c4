using Writeback.Prng;
using Writeback.Simulation.Exploration;

namespace Writeback.Simulation;

public sealed partial class CrashExplorer
{
    /// <summary>How many representatives a collapsed file gets: all its changes lost, all kept, one seeded sample.</summary>
    internal const int Representatives = 3;

    /// <summary>
    /// At each crash point where a guarantee or the acknowledgements change next (one the next crash point does not
    /// dominate), this many states of the other choices (all-lost and all-kept first) are checked with every
    /// representative; the rest, and every state of a dominated crash point, with all-lost alone (a failure found
    /// there is real: all-lost is an allowed state). A dominated crash point's images are all allowed at the next
    /// one, which compares its own representatives. A file whose contents decide the verdict only beyond those
    /// first states, or only at dominated crash points, is the case this does not see.
    /// </summary>
    internal const int VerifiedStatesPerCrashPoint = 8;

    private sealed partial class Run
    {
        private readonly Dictionary<string, ReductionTally> _reductions = new(StringComparer.Ordinal);

        // Crash points reduced without comparing representatives (dominated by the next one), with what they counted.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(int CrashPointIndex, CrashKind Kind), UnverifiedReduction> _unverified = new();

        /// <summary>
        /// After the first pass: the dominated crash points that collapsed a file another crash point showed
        /// to matter are explored again in full, so a failure is reported at the earliest crash point a full
        /// exploration finds it at. Each was counted as a reduction; it now counts as a fallback.
        /// </summary>
        private void ReexploreWhereShownToMatter((int CrashPointIndex, CrashKind Kind)[] items, CrashFailure?[] results)
        {
            HashSet<string> mattering;
            lock (_reductions)
            {
                mattering = [.. _reductions.Where(r => r.Value.FallbackCrashPoints > 0).Select(r => r.Key)];
            }
            if (mattering.Count == 0)
            {
                return;
            }
            int[] again = [.. Enumerable.Range(0, items.Length)
                .Where(i => _unverified.TryGetValue(items[i], out UnverifiedReduction? u) && u.Names.Any(mattering.Contains))];
            Parallel.ForEach(again, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism }, index =>
            {
                UnverifiedReduction undone = _unverified[items[index]];
                Interlocked.Decrement(ref undone.Exhaustive ? ref _exhaustive : ref _bounded);
                AddShares(undone.Shares, -1);
                lock (_reductions)
                {
                    foreach (string name in undone.Names)
                    {
                        ReductionTally tally = _reductions[name];
                        _reductions[name] = tally with
                        {
                            CrashPoints = tally.CrashPoints - 1,
                            FullStates = tally.FullStates == long.MaxValue ? long.MaxValue : tally.FullStates - undone.FullStates,
                            ReducedStates = tally.ReducedStates - undone.Generated,
                            FallbackCrashPoints = tally.FallbackCrashPoints + 1,
                        };
                    }
                }
                results[index] = ExploreCrashPoint(items[index].CrashPointIndex, items[index].Kind, reduce: false);
            });
        }

        /// <summary>What the reduction of never-covered files did, per file name, by name.</summary>
        public IReadOnlyList<UncoveredFileReduction> Reductions()
        {
            lock (_reductions)
            {
                return [.. _reductions.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new UncoveredFileReduction(
                    r.Key, r.Value.CrashPoints, Representatives, r.Value.FullStates, r.Value.ReducedStates, r.Value.FallbackCrashPoints))];
            }
        }

        /// <summary>
        /// The choices of the files a bounded crash point may collapse: the page and length choices of each
        /// file no durability call covered up to here at this crash kind's level (the model's timeline says
        /// which), that a shrink never cut. Names stay choices of their own (the directory's), explored as
        /// before under either order of name changes: only contents collapse. Empty when nothing collapses.
        /// </summary>
        private Dictionary<int, List<int>> CollapsibleChoices(CrashPointSpace space)
        {
            var byInode = new Dictionary<int, List<int>>();
            var excluded = new HashSet<int>();
            for (int choiceIndex = 0; choiceIndex < space.Choices.Length; choiceIndex++)
            {
                Choice choice = space.Choices[choiceIndex];
                if (choice.Kind == ChoiceKind.Directory || excluded.Contains(choice.InodeId))
                {
                    continue;
                }
                if (choice.OptionsByEpoch is not null || _timeline.ContentsCovered(space.Level, choice.InodeId, space.CrashPointIndex))
                {
                    excluded.Add(choice.InodeId);
                    byInode.Remove(choice.InodeId);
                    continue;
                }
                if (!byInode.TryGetValue(choice.InodeId, out List<int>? choices))
                {
                    byInode.Add(choice.InodeId, choices = []);
                }
                choices.Add(choiceIndex);
            }
            return byInode.Where(entry => entry.Value.Any(i => space.Choices[i].OptionCount > 1)).ToDictionary(e => e.Key, e => e.Value);
        }

        /// <summary>
        /// The representatives of the collapsed choices, as full states of <paramref name="space"/>: everything
        /// lost, everything kept, and one seeded sample of whole versions (never torn), each made canonical.
        /// </summary>
        private int[][] RepresentativeStates(CrashPointSpace space, IReadOnlyList<int> collapsed)
        {
            int[] allLost = new int[space.Choices.Length];
            space.Normalize(allLost, preferKept: false);
            int[] allKept = AllKept(space);
            int[] sample = new int[space.Choices.Length];
            var random = new Xoshiro256StarStar(SplitMix64.Mix(_options.Seed, (ulong)space.CrashPointIndex, 0x5EED));
            foreach (int choiceIndex in collapsed)
            {
                PageOption[] options = space.Choices[choiceIndex].Options;
                int wholeCount = options.Count(o => o.NewUnitMask == 0);
                sample[choiceIndex] = random.NextInt(wholeCount);
            }
            space.Normalize(sample, preferKept: false);
            return [allLost, allKept, sample];
        }

        /// <summary>
        /// A crash point with never-covered files whose collapse saves states: explores the other choices as usual (exhaustively when
        /// they fit in <see cref="ExplorerOptions.MaxStatesPerCrashPoint"/>), each state with every representative
        /// of the collapsed files. While the verdicts agree across representatives, the files' contents are not
        /// shown to matter; the first disagreement shows they do, and the crash point is explored in full instead
        /// (returns <see langword="false"/>). <paramref name="failure"/> is a failure all representatives share.
        /// </summary>
        private bool TryExploreReduced(CrashPointSpace space, CrashContext context, out CrashFailure? failure)
        {
            failure = null;
            if (space.Independent && space.StateCount <= Representatives)
            {
                // A reduced space keeps at least one state (its choices keep their options), checked with
                // each representative: never fewer checks than these few states. Decided below too, but
                // only after finding the collapsible choices and pinning the representatives.
                return false;
            }
            Dictionary<int, List<int>> collapsible = CollapsibleChoices(space);
            if (collapsible.Count == 0)
            {
                return false;
            }
            int[] collapsed = [.. collapsible.Values.SelectMany(c => c).Order()];
            int[][] representatives = RepresentativeStates(space, collapsed);
            CrashPointSpace[] pinned = [.. representatives.Select(r => space.Pin(collapsed, r))];
            long reducedCount = pinned[0].StateCount;
            if (Saturate.Multiply(reducedCount, Representatives) >= space.StateCount)
            {
                return false; // Collapsing would check as many states as exploring in full.
            }
            bool exhaustive = reducedCount <= _options.MaxStatesPerCrashPoint;
            long verifiedCount = Dominated(space.CrashPointIndex) ? 0 : VerifiedStatesPerCrashPoint * Representatives;
            long generated = 0L;
            try
            {
                foreach (int[] state in States(pinned[0], _options, exhaustive))
                {
                    // The first states are checked with every representative; later ones with all-lost alone.
                    CrashPointSpace[] checkedWith = generated < verifiedCount ? pinned : pinned[..1];
                    generated += checkedWith.Length;
                    (bool agree, failure) = CheckRepresentatives(space, checkedWith, representatives, collapsed, state, context);
                    if (!agree)
                    {
                        RecordFallback(space, collapsible.Keys);
                        return false;
                    }
                    if (failure is not null)
                    {
                        break;
                    }
                }
            }
            finally
            {
                Interlocked.Add(ref _statesGenerated, generated);
            }
            (string[] names, (string Name, double Bits)[] shares) = RecordReduction(space, pinned[0], exhaustive, collapsible.Keys, generated);
            if (verifiedCount == 0)
            {
                _unverified[(space.CrashPointIndex, space.Kind)] = new UnverifiedReduction(names, exhaustive, space.StateCount, generated, shares);
            }
            return true;
        }

        /// <summary>Checks one state of the other choices with each representative: whether the verdicts agree, and the failure they share.</summary>
        private (bool Agree, CrashFailure? Failure) CheckRepresentatives(CrashPointSpace space, CrashPointSpace[] pinned, int[][] representatives,
                                                                         int[] collapsed, int[] state, CrashContext context)
        {
            Verdict? first = Check(pinned[0], state, context, verify: true);
            for (int index = 1; index < pinned.Length; index++)
            {
                Verdict? other = Check(pinned[index], state, context, verify: true);
                if (other?.Message != first?.Message)
                {
                    return (false, null);
                }
            }
            if (first is null)
            {
                return (true, null);
            }
            int[] full = (int[])state.Clone();
            foreach (int choiceIndex in collapsed)
            {
                full[choiceIndex] = representatives[0][choiceIndex];
            }
            space.Normalize(full, preferKept: false);
            return (true, DescribeFailure(space, full, context, first));
        }

        // Counts a reduced crash point; returns the collapsed files' names and the bounded shares it added.
        private (string[] Names, (string Name, double Bits)[] Shares) RecordReduction(CrashPointSpace space, CrashPointSpace reduced, bool exhaustive,
                                                                                    IEnumerable<int> inodes, long generated)
        {
            Interlocked.Increment(ref exhaustive ? ref _exhaustive : ref _bounded);
            (string Name, double Bits)[] shares = exhaustive ? [] : AddBoundedShares(reduced);
            long full = space.StateCount;
            string[] names = [.. inodes.Select(inode => NameOf(space, inode)).Distinct(StringComparer.Ordinal)];
            lock (_reductions)
            {
                foreach (string name in names)
                {
                    ReductionTally tally = _reductions.GetValueOrDefault(name) ?? new ReductionTally();
                    _reductions[name] = tally with
                    {
                        CrashPoints = tally.CrashPoints + 1,
                        FullStates = Saturate.Add(tally.FullStates, full),
                        ReducedStates = Saturate.Add(tally.ReducedStates, generated),
                    };
                }
            }
            return (names, shares);
        }

        private void RecordFallback(CrashPointSpace space, IEnumerable<int> inodes)
        {
            string[] names = [.. inodes.Select(inode => NameOf(space, inode)).Distinct(StringComparer.Ordinal)];
            lock (_reductions)
            {
                foreach (string name in names)
                {
                    ReductionTally tally = _reductions.GetValueOrDefault(name) ?? new ReductionTally();
                    _reductions[name] = tally with { FallbackCrashPoints = tally.FallbackCrashPoints + 1 };
                }
            }
        }

        /// <summary>A crash point reduced without comparing representatives: the files collapsed, how it was counted.</summary>
        private sealed record UnverifiedReduction(string[] Names, bool Exhaustive, long FullStates, long Generated, (string Name, double Bits)[] Shares);

        /// <summary>One file's reduction so far.</summary>
        private sealed record ReductionTally(int CrashPoints = 0, long FullStates = 0, long ReducedStates = 0, int FallbackCrashPoints = 0);
    }
}
