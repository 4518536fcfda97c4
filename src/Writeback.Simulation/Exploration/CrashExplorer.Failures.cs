using System.Globalization;
using Writeback.Simulation.Exploration;

namespace Writeback.Simulation;

public sealed partial class CrashExplorer
{
    private sealed partial class Run
    {
        private CrashFailure DescribeFailure(CrashPointSpace space, int[] state, CrashContext context, Verdict verdict)
        {
            string message = verdict.Message;
            var failure = new CrashFailure
            {
                Kind = space.Kind,
                CrashPointIndex = space.CrashPointIndex,
                Call = _record.DescribeCrashPoint(space.CrashPointIndex),
                AcknowledgedCount = context.Acknowledged.Count,
                Message = message,
                CheckerException = verdict.Exception,
                StorageFault = _record.InjectedFaults,
                Pages = PageMaps(space, state),
                Deviations = space.Scope == SpaceScope.MemoryImage
                    ? ["all kept: every page, length and name as in memory at the crash point"]
                    : Deviations(space, state, new int[state.Length], noteLostInFlight: true),
                FailingState = state,
                Seed = _options.Seed,
                Reproduce = string.Create(CultureInfo.InvariantCulture,
                    $"writeback check --scenario {ShellWord(_scenario.Name)} --model {ShellWord(_model.FilePath ?? _model.Name)} --crash-kind {space.Kind} --atomic-write-bytes {_options.AtomicWriteBytes} --seed {_options.Seed}{MaxStatesArgument()}{FaultArguments()}"),
            };
            if (!_options.Shrink)
            {
                return failure with { Explanation = Explain(space, state), Call = CrashPointName(space.CrashPointIndex) };
            }
            (int[]? shrunk, string? baseName, int[]? baseState, string? shrunkMessage) = Shrink(space, state, context, message);
            return failure with
            {
                Explanation = Explain(space, shrunk),
                Call = CrashPointName(space.CrashPointIndex),
                ShrunkPages = PageMaps(space, shrunk),
                ShrunkDeviations = Deviations(space, shrunk, baseState),
                ShrunkBase = baseName,
                ShrunkMessage = shrunkMessage,
                ShrunkState = shrunk,
            };
        }

        /// <summary>The failure's explanation; a state the explainer cannot read is reported without one rather than lose the failure.</summary>
        private FailureExplanation? Explain(CrashPointSpace space, int[] state) =>
            space.Scope == SpaceScope.MemoryImage || state.Length != space.Choices.Length ? null
                : Explanation.FailureExplainer.Explain(space, state, _scenario as IDescribesRecording);

        /// <summary>The crash point in the scenario's own words when it has them (a traced program's event numbers).</summary>
        private string CrashPointName(int crashPointIndex) =>
            _scenario is IDescribesRecording names
                ? names.DescribeCrashPoint(crashPointIndex, _record.DescribeCrashPoint(crashPointIndex))
                : _record.DescribeCrashPoint(crashPointIndex);

        /// <summary>A scenario name as one shell word: as is when it is plain, else in single quotes.</summary>
        private static string ShellWord(string word) =>
            word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':')
                ? word
                : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

        /// <summary>The injected faults of this record, as <c>check</c> flags.</summary>
        private string FaultArguments() =>
            _record.InjectedFaultPlan is { FailingCalls.Count: > 0 } faults
                ? $" --fail-durability-call {string.Join(',', faults.FailingCalls)} --fault-errno {faults.Errno}"
                : "";

        /// <summary>Bounded exploration and its samples depend on the state limit, so a non-default one is part of the reproduction.</summary>
        private string MaxStatesArgument() =>
            _options.MaxStatesPerCrashPoint == new ExplorerOptions().MaxStatesPerCrashPoint ? ""
                : string.Create(CultureInfo.InvariantCulture, $" --max-states {_options.MaxStatesPerCrashPoint}");

        /// <summary>
        /// Greedy delta debugging: starting from the failing state, moves each choice that deviates
        /// from the nearer of all-lost and all-kept back to that base, keeping each move that still
        /// fails, until no single move does. Every state returned has been checked and fails.
        /// </summary>
        private (int[] State, string BaseName, int[] BaseState, string Message) Shrink(CrashPointSpace space, int[] failing, CrashContext context, string message)
        {
            int[] allLost = new int[failing.Length];
            int[] allKept = AllKept(space);
            int fromLost = Distance(failing, allLost);
            int fromKept = Distance(failing, allKept);
            (string? baseName, int[]? baseState) = fromKept < fromLost ? ("all-kept", allKept) : ("all-lost", allLost);
            int[] state = (int[])failing.Clone();
            bool changed = true;
            while (changed)
            {
                changed = false;
                for (int choiceIndex = 0; choiceIndex < state.Length; choiceIndex++)
                {
                    if (state[choiceIndex] == baseState[choiceIndex])
                    {
                        continue;
                    }
                    int[] candidate = (int[])state.Clone();
                    candidate[choiceIndex] = baseState[choiceIndex];
                    space.Normalize(candidate, preferKept: ReferenceEquals(baseState, allKept));
                    if (!candidate.AsSpan().SequenceEqual(state) && Check(space, candidate, context) is { } candidateVerdict)
                    {
                        state = candidate;
                        message = candidateVerdict.Message;
                        changed = true;
                    }
                }
            }
            return (state, baseName, baseState, message);
        }

        private static int Distance(int[] state, int[] baseState)
        {
            int distance = 0;
            for (int index = 0; index < state.Length; index++)
            {
                distance += state[index] == baseState[index] ? 0 : 1;
            }
            return distance;
        }

        private static FilePageMap[] PageMaps(CrashPointSpace space, int[] state)
        {
            var image = new CrashImage(space, state);
            int pageSizeBytes = space.Record.PageSizeBytes;
            return [.. image.Names.OrderBy(n => n.Key, StringComparer.Ordinal).Select(entry =>
            {
                int pageCount = (int)Pages.CountOf(image.LengthOf(entry.Value), pageSizeBytes);
                var fates = new PageFate[pageCount];
                for (int pageIndex = 0; pageIndex < pageCount; pageIndex++)
                {
                    int choiceIndex = space.PageChoiceIndex(ImageHash.PageKey(entry.Value, pageIndex));
                    fates[pageIndex] = choiceIndex < 0 ? PageFate.Durable
                        : state[choiceIndex] == 0 ? PageFate.Lost
                        : space.Choices[choiceIndex].Options[state[choiceIndex]].NewUnitMask != 0 ? PageFate.Torn
                        : PageFate.Kept;
                }
                return new FilePageMap(entry.Key, fates);
            })];
        }

        /// <summary>
        /// Every choice of <paramref name="state"/> that differs from <paramref name="baseState"/>, in
        /// words; with <paramref name="noteLostInFlight"/>, also the pages lost although their write was in flight.
        /// </summary>
        private string[] Deviations(CrashPointSpace space, int[] state, int[] baseState, bool noteLostInFlight = false)
        {
            var lines = new List<string>();
            for (int choiceIndex = 0; choiceIndex < state.Length; choiceIndex++)
            {
                if (state[choiceIndex] == baseState[choiceIndex]
                    && !(noteLostInFlight && state[choiceIndex] == 0 && InFlightNote(space, space.Choices[choiceIndex]).Length > 0))
                {
                    continue;
                }
                Choice choice = space.Choices[choiceIndex];
                PageOption option = choice.Options[state[choiceIndex]];
                int guaranteed = choice.Options[0].Ordinal;
                string fate = state[choiceIndex] == 0 ? "lost" : state[choiceIndex] == choice.KeptIndex ? "kept" : "intermediate";
                lines.Add(choice.Kind switch
                {
                    ChoiceKind.Directory => $"directory: names [{NamesText(space, option.Ordinal)}] ({fate}; durable: [{NamesText(space, guaranteed)}])",
                    ChoiceKind.Length => string.Create(CultureInfo.InvariantCulture,
                        $"{NameOf(space, choice.InodeId)}: length {_record.LengthBytes(choice.InodeId, option.Ordinal)} bytes ({fate}; guaranteed {_record.LengthBytes(choice.InodeId, guaranteed)})"),
                    _ when option.NewUnitMask != 0 => string.Create(CultureInfo.InvariantCulture,
                        $"{NameOf(space, choice.InodeId)} page {choice.PageIndex}: torn, units [{string.Join(", ", Units(option.NewUnitMask))}] of {space.UnitBytes} bytes from version {option.Ordinal}, the rest from guaranteed version {guaranteed}"),
                    _ => string.Create(CultureInfo.InvariantCulture,
                        $"{NameOf(space, choice.InodeId)} page {choice.PageIndex}: version {option.Ordinal} ({fate}; guaranteed version {guaranteed}, newest {choice.Options[choice.KeptIndex].Ordinal})"),
                } + InFlightNote(space, choice));
            }
            return [.. lines];
        }

        /// <summary>For a page whose write was started but not awaited: which version was in flight.</summary>
        private static string InFlightNote(CrashPointSpace space, Choice choice)
        {
            if (choice.Kind != ChoiceKind.Page)
            {
                return "";
            }
            int inFlight = space.Timeline.InFlightOrdinal(ImageHash.PageKey(choice.InodeId, choice.PageIndex), space.CrashPointIndex);
            return inFlight > choice.Options[0].Ordinal
                ? string.Create(CultureInfo.InvariantCulture, $"; version {inFlight} was in flight (write started, not awaited)")
                : "";
        }

        private static IEnumerable<int> Units(ulong mask)
        {
            for (int unitIndex = 0; mask != 0; unitIndex++, mask >>= 1)
            {
                if ((mask & 1) != 0)
                {
                    yield return unitIndex;
                }
            }
        }

        private static string NamesText(CrashPointSpace space, int ordinal) =>
            string.Join(", ", space.Timeline.NamesAt(space.Level, space.CrashPointIndex, ordinal).Keys.Order(StringComparer.Ordinal));

        /// <summary>A file's name for messages: its name in memory at the crash point, or the first name it ever had.</summary>
        private string NameOf(CrashPointSpace space, int inodeId)
        {
            IReadOnlyDictionary<string, int> names = _record.DirectoryNames(_record.DirectoryMemoryOrdinal(space.CrashPointIndex));
            foreach ((string? name, int id) in names.OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                if (id == inodeId)
                {
                    return name;
                }
            }
            for (int ordinal = 0; ordinal < _record.DirectoryVersionCount; ordinal++)
            {
                foreach ((string? name, int id) in _record.DirectoryNames(ordinal))
                {
                    if (id == inodeId)
                    {
                        return name;
                    }
                }
            }
            return $"inode {inodeId}";
        }
    }
}
