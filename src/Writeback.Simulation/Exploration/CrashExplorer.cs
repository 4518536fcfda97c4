using System.Diagnostics;
using Writeback.Simulation.Exploration;
using Writeback.Simulation.Kernel;
using Writeback.Simulation.Storage;

namespace Writeback.Simulation;

/// <summary>
/// Runs a scenario's workload once against <see cref="SimulatedStorage"/>, derives every post-crash
/// image a <see cref="KernelModel"/> allows at every crash point, and runs the scenario's checker
/// on each: which crash states break the program, under which kernel's semantics.
/// </summary>
/// <remarks>
/// At each crash point and crash kind, each page, length and directory the model does not guarantee
/// is a choice: lost (the guaranteed value), kept (the newest), any recorded version in between,
/// and at <see cref="CrashKind.PowerLoss"/> with an atomic unit smaller than a page, torn mixes. A
/// crash point with at most <see cref="ExplorerOptions.MaxStatesPerCrashPoint"/> states is explored
/// exhaustively; above it, every state within <see cref="ExplorerOptions.BoundedDeviations"/>
/// choices of all-lost and of all-kept, plus seeded random samples (a crash point the next one
/// dominates checks only its two extremes). Identical images (by a 128-bit hash of their choices)
/// with identical acknowledgements are checked once per crash kind, at every crash point unless the
/// scenario declares <see cref="ICrashScenario.VerdictDependsOnCrashPoint"/>. Crash points are
/// checked in parallel; the report does not depend on the thread count.
/// </remarks>
public sealed partial class CrashExplorer
{
    private readonly ExplorerOptions _options;

    /// <summary>Creates an explorer for one kernel model.</summary>
    /// <param name="model">The semantics to explore under.</param>
    /// <param name="options">How to explore; <see langword="null"/> means the defaults.</param>
    public CrashExplorer(KernelModel model, ExplorerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _options = options ?? new ExplorerOptions();
    }

    /// <summary>The kernel model explored.</summary>
    public KernelModel Model { get; }

    /// <summary>The options.</summary>
    public ExplorerOptions Options => _options;

    /// <summary>Runs the scenario's workload once against a recording <see cref="SimulatedStorage"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="pageSizeBytes">The simulated page size. Default 4096.</param>
    /// <returns>The record every model can be applied to.</returns>
    /// <exception cref="ScenarioRunException">The workload threw; the exception names the scenario and the call it was at.</exception>
    public static SimulationRecord Record(ICrashScenario scenario, int pageSizeBytes = 4096) => Record(scenario, pageSizeBytes, faults: null);

    /// <summary>Runs the scenario's workload once, with the durability calls <paramref name="faults"/> names failing.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="pageSizeBytes">The simulated page size.</param>
    /// <param name="faults">The storage faults to inject (its <see cref="StorageFaults.FailingCalls"/>), or <see langword="null"/>.</param>
    /// <returns>The record every model can be applied to.</returns>
    /// <exception cref="ScenarioRunException">
    /// The workload threw. An injected fault's <see cref="WritebackException"/> escaping the workload is
    /// not an error: the program stopped at the failure, as a real one would exit, and the record ends there.
    /// </exception>
    public static SimulationRecord Record(ICrashScenario scenario, int pageSizeBytes, StorageFaults? faults)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        faults?.Validate();
        var storage = new SimulatedStorage(pageSizeBytes, faults);
        var acknowledged = new Acknowledgements(() => storage.CallCount);
        try
        {
            scenario.Run(storage, acknowledged);
        }
        catch (Exception exception) when (faults is not null && storage.IsInjectedFailure(exception))
        {
            // The program stopped at the injected failure, as a real one exits: the record ends here.
        }
        catch (Exception exception)
        {
            throw new ScenarioRunException(scenario.Name, storage.CallCount, storage.DescribeLastCall(), exception);
        }
        return storage.Finish(scenario.Name, acknowledged);
    }

    /// <summary>Records the scenario and explores every crash point of this run's shard.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <returns>The report; <see cref="CrashReport.Elapsed"/> includes the recording.</returns>
    /// <exception cref="ScenarioRunException">The workload threw.</exception>
    public CrashReport Explore(ICrashScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var stopwatch = Stopwatch.StartNew();
        if (_options.StorageFaults is { EachInTurn: true } faults)
        {
            return ExploreEachFault(scenario, faults) with { Elapsed = stopwatch.Elapsed };
        }
        SimulationRecord record = Record(scenario, 4096, _options.StorageFaults);
        CrashReport report = Explore(record, scenario);
        return report with { Elapsed = stopwatch.Elapsed };
    }

    /// <summary>Explores an existing record (recorded from <paramref name="scenario"/>).</summary>
    /// <param name="record">The record, from <see cref="Record(ICrashScenario, int)"/>.</param>
    /// <param name="scenario">The scenario whose checker judges the images.</param>
    /// <returns>The report.</returns>
    public CrashReport Explore(SimulationRecord record, ICrashScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(scenario);
        _options.Validate(record.PageSizeBytes);
        var stopwatch = Stopwatch.StartNew();
        var run = new Run(this, record, scenario);
        IReadOnlyList<CrashFailure> failures = run.Execute();
        return new CrashReport
        {
            Scenario = scenario.Name,
            StorageFaults = record.InjectedFaults,
            Model = Model,
            CrashKinds = [.. _options.CrashKinds],
            AtomicWriteBytes = _options.AtomicWriteBytes,
            Seed = _options.Seed,
            ShardIndex = _options.ShardIndex,
            ShardCount = _options.ShardCount,
            CallCount = record.CallCount,
            CrashPoints = record.CrashPointCount,
            StatesChecked = run.StatesChecked,
            StatesGenerated = run.StatesGenerated,
            ExhaustiveCrashPoints = run.ExhaustiveCrashPoints,
            BoundedCrashPoints = run.BoundedCrashPoints,
            BoundedStateShares = run.BoundedShares(),
            UncoveredFileReductions = run.Reductions(),
            Failures = failures,
            Elapsed = stopwatch.Elapsed,
        };
    }

    /// <summary>
    /// Explores the scenario under two models and splits the failures (by crash kind and crash
    /// point) into those only the candidate has, those only the baseline has, and those both have.
    /// </summary>
    /// <param name="baseline">The model the program was written for, e.g. <see cref="KernelModel.Linux2_6_19To3_15WholeFile"/>.</param>
    /// <param name="candidate">The model it will run under, e.g. <see cref="KernelModel.Linux3_16Range"/>.</param>
    /// <param name="scenario">The scenario, recorded once for both.</param>
    /// <param name="options">How to explore; the same for both models.</param>
    /// <returns>Both reports and the split.</returns>
    public static DifferentialReport Compare(KernelModel baseline, KernelModel candidate, ICrashScenario scenario,
                                             ExplorerOptions? options = null)
    {
        var stopwatch = Stopwatch.StartNew();
        SimulationRecord record = Record(scenario, 4096, options?.StorageFaults is { EachInTurn: false } faults ? faults : null);
        TimeSpan recordingTime = stopwatch.Elapsed;
        CrashReport baselineReport = new CrashExplorer(baseline, options).Explore(record, scenario);
        baselineReport = baselineReport with { Elapsed = baselineReport.Elapsed + recordingTime };
        CrashReport candidateReport = new CrashExplorer(candidate, options).Explore(record, scenario);
        var baselineKeys = baselineReport.Failures.Select(f => f.Key).ToHashSet();
        var candidateKeys = candidateReport.Failures.Select(f => f.Key).ToHashSet();
        return new DifferentialReport
        {
            Baseline = baselineReport,
            Candidate = candidateReport,
            CandidateOnlyFailures = [.. candidateReport.Failures.Where(f => !baselineKeys.Contains(f.Key))],
            BaselineOnlyFailures = [.. baselineReport.Failures.Where(f => !candidateKeys.Contains(f.Key))],
            BothFailures = [.. candidateReport.Failures.Where(f => baselineKeys.Contains(f.Key))],
        };
    }

    /// <summary>
    /// Every image the explorer would check at one crash point under one model and crash kind
    /// (duplicates included, in the explorer's order), each as the durable files' paths and
    /// contents, plus one entry <c>PATH/</c> with empty content per surviving directory. For writing
    /// images out to debug a checker, and for comparing the model with a real kernel.
    /// </summary>
    /// <param name="record">The record, from <see cref="Record(ICrashScenario, int)"/>.</param>
    /// <param name="model">The kernel model.</param>
    /// <param name="kind">The crash kind.</param>
    /// <param name="crashPointIndex">0 ≤ index ≤ the record's call count.</param>
    /// <param name="options">The atomic write unit, state limits and seed; <see langword="null"/> means the defaults.</param>
    /// <returns>The images, lazily.</returns>
    public static IEnumerable<IReadOnlyDictionary<string, byte[]>> EnumerateImages(SimulationRecord record, KernelModel model,
                                                                                  CrashKind kind, int crashPointIndex, ExplorerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(crashPointIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(crashPointIndex, record.CallCount);
        options ??= new ExplorerOptions();
        options.Validate(record.PageSizeBytes);
        return Images(record, model, kind, crashPointIndex, options);
    }

    private static IEnumerable<IReadOnlyDictionary<string, byte[]>> Images(SimulationRecord record, KernelModel model, CrashKind kind,
                                                                          int crashPointIndex, ExplorerOptions options)
    {
        var space = new CrashPointSpace(record, record.Timeline(model), kind, crashPointIndex, options.AtomicWriteBytes);
        foreach (int[] state in States(space, options, space.StateCount <= options.MaxStatesPerCrashPoint))
        {
            yield return new CrashImage(space, state).Materialize();
        }
    }

    /// <summary>
    /// The image a failure was found on (<paramref name="shrunk"/> false) or its shrunk image, in the
    /// form of <see cref="EnumerateImages"/>; null when the failure carries no such state.
    /// </summary>
    /// <param name="record">The record the failure was explored from.</param>
    /// <param name="model">The model of the failure's report.</param>
    /// <param name="failure">The failure.</param>
    /// <param name="atomicWriteBytes">The atomic write unit of the exploration.</param>
    /// <param name="shrunk">True for the shrunk state.</param>
    /// <returns>The image, or null.</returns>
    public static IReadOnlyDictionary<string, byte[]>? FailureImage(SimulationRecord record, KernelModel model, CrashFailure failure,
                                                                   int atomicWriteBytes, bool shrunk = false)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(failure);
        if ((shrunk ? failure.ShrunkState : failure.FailingState) is not { } state)
        {
            return null;
        }
        var space = new CrashPointSpace(record, record.Timeline(model), failure.Kind, failure.CrashPointIndex, atomicWriteBytes);
        return new CrashImage(space, [.. state]).Materialize();
    }

    /// <summary>What the checker is told about crash point <paramref name="crashPointIndex"/> of <paramref name="record"/>.</summary>
    private static CrashContext ContextOf(SimulationRecord record, KernelModel model, CrashKind kind, int crashPointIndex,
                                          string? crashPointName = null, IReadOnlyList<long>? acknowledged = null) =>
        new(kind, crashPointIndex, acknowledged ?? record.AcknowledgedAt(crashPointIndex))
        {
            Model = model,
            CrashPointName = crashPointName ?? CrashPointNameOf(record, crashPointIndex),
        };

    private static string CrashPointNameOf(SimulationRecord record, int crashPointIndex) =>
        crashPointIndex < record.CallCount ? $"#{crashPointIndex} before {record.DescribeCall(crashPointIndex)}"
            : record.CallCount == 0 ? $"#{crashPointIndex} at the end" : $"#{crashPointIndex} after {record.DescribeCall(record.CallCount - 1)}";

    /// <summary>Runs the scenario's checker on one state of one crash point (no cache): for tests of shrinking.</summary>
    internal static CheckResult CheckState(SimulationRecord record, KernelModel model, ICrashScenario scenario, CrashKind kind,
                                           int crashPointIndex, int atomicWriteBytes, int[] state)
    {
        var space = new CrashPointSpace(record, record.Timeline(model), kind, crashPointIndex, atomicWriteBytes);
        var storage = MemoryStorage.OverImage(new CrashImage(space, state));
        try
        {
            return scenario.Check(storage, ContextOf(record, model, kind, crashPointIndex));
        }
        finally
        {
            storage.Release();
        }
    }

    /// <summary>The option count of each choice of one crash point's space, for tests.</summary>
    internal static int[] OptionCounts(SimulationRecord record, KernelModel model, CrashKind kind, int crashPointIndex, int atomicWriteBytes) =>
        [.. new CrashPointSpace(record, record.Timeline(model), kind, crashPointIndex, atomicWriteBytes).Choices.Select(c => c.OptionCount)];

    /// <summary>
    /// Which verdict cache entry a state uses: everything the checker can see. The image (its
    /// 128-bit hash), the crash kind, the acknowledgements (a prefix of one list, so their count),
    /// and the crash point when the scenario's verdicts depend on it (-1 otherwise).
    /// </summary>
    private readonly record struct StateKey(UInt128 ImageHash, CrashKind Kind, int AcknowledgedCount, int CrashPointIndex);

    /// <summary>A cached verdict: the failure message ("" for a pass) and, when the checker threw, the exception in full.</summary>
    private sealed record Verdict(string Message, string? Exception)
    {
        public static Verdict Pass { get; } = new("", null);

        public bool Passed => Message.Length == 0;
    }

    /// <summary>One exploration: the record, the verdict cache and the counters.</summary>
    private sealed partial class Run(CrashExplorer explorer, SimulationRecord record, ICrashScenario scenario)
    {
        /// <summary>The verdict cache holds at most this many entries (in at most 2^19 slots of 48 bytes, 24 MiB); when full it starts over, so memory stays bounded.</summary>
        private const int MaxCachedVerdicts = 1 << 18;

        /// <summary>Above this many dirty pages a crash point has at least 2^64 states wherever they lie in its files: it is never exhaustive.</summary>
        private const int ManyDirtyPages = 64;
        private readonly VerdictCache _verdicts = new();
        private readonly SimulationRecord _record = record;
        private readonly ICrashScenario _scenario = scenario;
        private readonly KernelModel _model = explorer.Model;
        private readonly ModelTimeline _timeline = explorer.Model is var model ? record.Timeline(model) : null!;
        private readonly ExplorerOptions _options = explorer._options;
        private long _statesChecked;
        private readonly bool _perCrashPoint = scenario.VerdictDependsOnCrashPoint;
        private long _statesGenerated;
        private int _exhaustive;
        private int _bounded;

        /// <summary>Each crash point's name and acknowledgements, built once for all its crash kinds (a race builds equal ones twice, harmlessly).</summary>
        private readonly string?[] _crashPointNames = new string?[record.CrashPointCount];
        private readonly IReadOnlyList<long>?[] _acknowledgedAt = new IReadOnlyList<long>?[record.CrashPointCount];

        public long StatesChecked => Interlocked.Read(ref _statesChecked);

        public long StatesGenerated => Interlocked.Read(ref _statesGenerated);

        public int ExhaustiveCrashPoints => _exhaustive;

        public int BoundedCrashPoints => _bounded;

        public IReadOnlyList<CrashFailure> Execute()
        {
            int first = _record.FirstExploredCrashPoint;
            int[] crashPoints = Enumerable.Range(first, _record.CrashPointCount - first)
                .Where(i => i % _options.ShardCount == _options.ShardIndex).ToArray();
            CrashKind[] kinds = _options.CrashKinds.Distinct().Order().ToArray();
            // Filled by hand: LINQ's array builder rents from an ArrayPool of this tuple type, whose trimming then runs at every full collection.
            var items = new (int CrashPointIndex, CrashKind Kind)[crashPoints.Length * kinds.Length];
            for (int index = 0; index < items.Length; index++)
            {
                items[index] = (crashPoints[index / kinds.Length], kinds[index % kinds.Length]);
            }
            var results = new CrashFailure?[items.Length];
            int done = 0;
            int progressStep = Math.Max(1, items.Length / 200);
            Parallel.For(0, items.Length, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism }, (index, loop) =>
            {
                results[index] = ExploreCrashPoint(items[index].CrashPointIndex, items[index].Kind);
                if (results[index] is not null && _options.StopAtFirstFailure)
                {
                    loop.Stop();
                }
                int finished = Interlocked.Increment(ref done);
                if (_options.Progress is { } progress && (finished % progressStep == 0 || finished == items.Length))
                {
                    progress.Report(new ExplorationProgress(StatesChecked, finished / kinds.Length, crashPoints.Length));
                }
            });
            ReexploreWhereShownToMatter(items, results);
            return [.. results.OfType<CrashFailure>().OrderBy(f => f.Kind).ThenBy(f => f.CrashPointIndex)];
        }

        /// <summary>The crash point's <see cref="CrashContext.CrashPointName"/>.</summary>
        private string ContextName(int crashPointIndex) =>
            _crashPointNames[crashPointIndex] ??= CrashPointNameOf(_record, crashPointIndex);

        /// <summary>The crash point's <see cref="CrashContext.Acknowledged"/>.</summary>
        private IReadOnlyList<long> AcknowledgedAt(int crashPointIndex) =>
            _acknowledgedAt[crashPointIndex] ??= _record.AcknowledgedAt(crashPointIndex);

        /// <summary>
        /// Whether the next crash point allows every image of this one with the same acknowledgements:
        /// the call between them changed no guarantee (a store, a length or name change, a start of I/O).
        /// </summary>
        private bool Dominated(int crashPointIndex) =>
            crashPointIndex < _record.CallCount && !_timeline.HasEffect[crashPointIndex]
            && _record.AcknowledgedCountAt(crashPointIndex) == _record.AcknowledgedCountAt(crashPointIndex + 1);

        private CrashFailure? ExploreCrashPoint(int crashPointIndex, CrashKind kind, bool reduce = true)
        {
            if (kind != CrashKind.ProcessCrash && Dominated(crashPointIndex)
                && _timeline.UnguaranteedPageCount(ModelTimeline.LevelOf(kind), crashPointIndex) > ManyDirtyPages)
            {
                return ExploreExtremes(crashPointIndex, kind);
            }
            var space = new CrashPointSpace(_record, _timeline, kind, crashPointIndex, _options.AtomicWriteBytes);
            bool exhaustive = space.StateCount <= _options.MaxStatesPerCrashPoint;
            CrashContext context = ContextOf(_record, _model, kind, crashPointIndex, ContextName(crashPointIndex), AcknowledgedAt(crashPointIndex));
            if (reduce && _options.ReduceUncoveredFiles && space.Level > 0 && (exhaustive || !Dominated(crashPointIndex))
                && TryExploreReduced(space, context, out CrashFailure? reducedFailure))
            {
                return reducedFailure;
            }
            if (exhaustive)
            {
                Interlocked.Increment(ref _exhaustive);
            }
            else
            {
                Interlocked.Increment(ref _bounded);
                _ = AddBoundedShares(space);
            }
            long generated = 0L;
            try
            {
                foreach (int[] state in States(space, _options, exhaustive, !exhaustive && Dominated(crashPointIndex)))
                {
                    generated++;
                    if (Check(space, state, context, verify: true) is { } verdict)
                    {
                        return DescribeFailure(space, state, context, verdict);
                    }
                }
                return null;
            }
            finally
            {
                Interlocked.Add(ref _statesGenerated, generated);
            }
        }

        /// <summary>
        /// A dominated crash point with more dirty pages than an exhaustive exploration could take:
        /// only its all-lost and all-kept images, without building the choices of every dirty page
        /// (which would make a run of N stores cost N² to explore).
        /// </summary>
        private CrashFailure? ExploreExtremes(int crashPointIndex, CrashKind kind)
        {
            Interlocked.Increment(ref _bounded);
            Interlocked.Add(ref _statesGenerated, 2);
            CrashContext context = ContextOf(_record, _model, kind, crashPointIndex, ContextName(crashPointIndex), AcknowledgedAt(crashPointIndex));
            foreach (SpaceScope scope in new[] { SpaceScope.AllLostOnly, SpaceScope.MemoryImage })
            {
                var space = new CrashPointSpace(_record, _timeline, kind, crashPointIndex, _options.AtomicWriteBytes, scope);
                int[] state = new int[space.Choices.Length];
                space.Normalize(state, preferKept: false);
                if (Check(space, state, context, verify: true) is { } verdict)
                {
                    return DescribeFailure(space, state, context, verdict);
                }
            }
            return null;
        }

        /// <summary>
        /// Runs the checker on one state, or reuses the verdict of an identical one. Returns the
        /// failing verdict or null. With <paramref name="verify"/>, a failure found in the cache is
        /// checked again on this image, so a hash collision can never report a failure.
        /// </summary>
        private Verdict? Check(CrashPointSpace space, int[] state, CrashContext context, bool verify = false)
        {
            UInt128 hash = space.Hash(state);
            var key = new StateKey(hash, context.Kind, context.Acknowledged.Count, _perCrashPoint ? context.CrashPointIndex : -1);
            if (_verdicts.TryGetValue(key, out Verdict? cached))
            {
                if (cached.Passed)
                {
                    return null;
                }
                if (!verify)
                {
                    return cached;
                }
            }
            Verdict verdict = RunChecker(space, state, context);
            if (_verdicts.Count >= MaxCachedVerdicts)
            {
                _verdicts.Clear();
            }
            // Two workers can check one image at the same time; only the one whose verdict goes in
            // counts it, so StatesChecked (distinct states) is the same whatever the thread count.
            if (_verdicts.TryAdd(key, verdict))
            {
                Interlocked.Increment(ref _statesChecked);
            }
            return verdict.Passed ? null : verdict;
        }

        private Verdict RunChecker(CrashPointSpace space, int[] state, CrashContext context)
        {
            var storage = MemoryStorage.OverImage(new CrashImage(space, state));
            try
            {
                CheckResult result = _scenario.Check(storage, context);
                return result is { Passed: false, Message: { } message } ? new Verdict(message, null) : Verdict.Pass;
            }
#pragma warning disable CA1031 // A checker that throws on a post-crash image is a failing recovery, reported as such.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                return new Verdict($"the checker threw {exception.GetType().Name}: {exception.Message}", exception.ToString());
            }
            finally
            {
                storage.Release();
            }
        }
    }
}
