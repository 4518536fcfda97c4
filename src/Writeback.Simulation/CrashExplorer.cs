using System.Collections.Concurrent;
using System.Diagnostics;
using Writeback.Simulation.Model;

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
/// choices of all-lost and of all-kept, plus seeded random samples. Identical images (by a 64-bit
/// hash of their choices) with identical acknowledgements are checked once. Crash points are checked
/// in parallel; the report does not depend on the thread count.
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
    public static SimulationRecord Record(ICrashScenario scenario, int pageSizeBytes = 4096)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var storage = new SimulatedStorage(pageSizeBytes);
        var acknowledged = new Acknowledgements(() => storage.CallCount);
        scenario.Run(storage, acknowledged);
        return storage.Finish(scenario.Name, acknowledged);
    }

    /// <summary>Records the scenario and explores every crash point of this run's shard.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <returns>The report; <see cref="CrashReport.Elapsed"/> includes the recording.</returns>
    public CrashReport Explore(ICrashScenario scenario)
    {
        var stopwatch = Stopwatch.StartNew();
        var record = Record(scenario);
        var report = Explore(record, scenario);
        return report with { Elapsed = stopwatch.Elapsed };
    }

    /// <summary>Explores an existing record (recorded from <paramref name="scenario"/>).</summary>
    /// <param name="record">The record, from <see cref="Record"/>.</param>
    /// <param name="scenario">The scenario whose checker judges the images.</param>
    /// <returns>The report.</returns>
    public CrashReport Explore(SimulationRecord record, ICrashScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(scenario);
        _options.Validate(record.PageSizeBytes);
        var stopwatch = Stopwatch.StartNew();
        var run = new Run(this, record, scenario);
        var failures = run.Execute();
        return new CrashReport
        {
            Scenario = scenario.Name,
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
        var record = Record(scenario);
        var recordingTime = stopwatch.Elapsed;
        var baselineReport = new CrashExplorer(baseline, options).Explore(record, scenario);
        baselineReport = baselineReport with { Elapsed = baselineReport.Elapsed + recordingTime };
        var candidateReport = new CrashExplorer(candidate, options).Explore(record, scenario);
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
    /// Every image the explorer would check at one crash point (duplicates included), as durable
    /// name -> content. For tests and for comparing the model with a real kernel.
    /// </summary>
    internal static IEnumerable<Dictionary<string, byte[]>> EnumerateImages(SimulationRecord record, KernelModel model,
                                                                            CrashKind kind, int crashPointIndex, ExplorerOptions options)
    {
        var space = new CrashPointSpace(record, record.Timeline(model), kind, crashPointIndex, options.AtomicWriteBytes);
        foreach (var state in States(space, options))
        {
            yield return new CrashImage(space, state).Materialize();
        }
    }

    /// <summary>Runs the scenario's checker on one state of one crash point (no cache): for tests of shrinking.</summary>
    internal static CheckResult CheckState(SimulationRecord record, KernelModel model, ICrashScenario scenario, CrashKind kind,
                                           int crashPointIndex, int atomicWriteBytes, int[] state)
    {
        var space = new CrashPointSpace(record, record.Timeline(model), kind, crashPointIndex, atomicWriteBytes);
        var storage = MemoryStorage.OverImage(new CrashImage(space, state));
        try
        {
            return scenario.Check(storage, new CrashContext(kind, crashPointIndex, record.AcknowledgedAt(crashPointIndex)));
        }
        finally
        {
            storage.Release();
        }
    }

    /// <summary>The option count of each choice of one crash point's space, for tests.</summary>
    internal static int[] OptionCounts(SimulationRecord record, KernelModel model, CrashKind kind, int crashPointIndex, int atomicWriteBytes) =>
        [.. new CrashPointSpace(record, record.Timeline(model), kind, crashPointIndex, atomicWriteBytes).Choices.Select(c => c.OptionCount)];

    /// <summary>Which shared verdict cache entry a state uses: its image hash, crash kind and acknowledgement count.</summary>
    private readonly record struct StateKey(ulong ImageHash, CrashKind Kind, int AcknowledgedCount);

    /// <summary>One exploration: the record, the verdict cache and the counters.</summary>
    private sealed partial class Run(CrashExplorer explorer, SimulationRecord record, ICrashScenario scenario)
    {
        private const string Passed = "";
        private readonly ConcurrentDictionary<StateKey, string> _verdicts = new();
        private readonly SimulationRecord _record = record;
        private readonly ICrashScenario _scenario = scenario;
        private readonly KernelModel _model = explorer.Model;
        private readonly ModelTimeline _timeline = explorer.Model is var model ? record.Timeline(model) : null!;
        private readonly ExplorerOptions _options = explorer._options;
        private long _statesGenerated;
        private int _exhaustive;
        private int _bounded;

        public long StatesChecked => _verdicts.Count;

        public long StatesGenerated => Interlocked.Read(ref _statesGenerated);

        public int ExhaustiveCrashPoints => _exhaustive;

        public int BoundedCrashPoints => _bounded;

        public IReadOnlyList<CrashFailure> Execute()
        {
            var crashPoints = Enumerable.Range(0, _record.CrashPointCount)
                .Where(i => i % _options.ShardCount == _options.ShardIndex).ToArray();
            var kinds = _options.CrashKinds.Distinct().Order().ToArray();
            var items = crashPoints.SelectMany(i => kinds.Select(kind => (CrashPointIndex: i, Kind: kind))).ToArray();
            var results = new CrashFailure?[items.Length];
            var done = 0;
            var progressStep = Math.Max(1, items.Length / 200);
            Parallel.For(0, items.Length, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism }, (index, loop) =>
            {
                results[index] = ExploreCrashPoint(items[index].CrashPointIndex, items[index].Kind);
                if (results[index] is not null && _options.StopAtFirstFailure)
                {
                    loop.Stop();
                }
                var finished = Interlocked.Increment(ref done);
                if (_options.Progress is { } progress && (finished % progressStep == 0 || finished == items.Length))
                {
                    progress.Report(new ExplorationProgress(_verdicts.Count, finished / kinds.Length, crashPoints.Length));
                }
            });
            return [.. results.OfType<CrashFailure>().OrderBy(f => f.Kind).ThenBy(f => f.CrashPointIndex)];
        }

        private CrashFailure? ExploreCrashPoint(int crashPointIndex, CrashKind kind)
        {
            var space = new CrashPointSpace(_record, _timeline, kind, crashPointIndex, _options.AtomicWriteBytes);
            if (space.StateCount <= _options.MaxStatesPerCrashPoint)
            {
                Interlocked.Increment(ref _exhaustive);
            }
            else
            {
                Interlocked.Increment(ref _bounded);
            }
            var context = new CrashContext(kind, crashPointIndex, _record.AcknowledgedAt(crashPointIndex));
            var generated = 0L;
            try
            {
                foreach (var state in States(space, _options))
                {
                    generated++;
                    if (Check(space, state, context) is { } message)
                    {
                        return DescribeFailure(space, state, context, message);
                    }
                }
                return null;
            }
            finally
            {
                Interlocked.Add(ref _statesGenerated, generated);
            }
        }

        /// <summary>Runs the checker on one state, or reuses the verdict of an identical one. Returns the failure message or null.</summary>
        private string? Check(CrashPointSpace space, int[] state, CrashContext context)
        {
            var key = new StateKey(space.Hash(state), context.Kind, context.Acknowledged.Count);
            if (_verdicts.TryGetValue(key, out var cached))
            {
                return cached.Length == 0 ? null : cached;
            }
            var storage = MemoryStorage.OverImage(new CrashImage(space, state));
            string verdict;
            try
            {
                verdict = _scenario.Check(storage, context) is { Passed: false, Message: { } message } ? message : Passed;
            }
#pragma warning disable CA1031 // A checker that throws on a post-crash image is a failing recovery, reported as such.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                verdict = $"the checker threw {exception.GetType().Name}: {exception.Message}";
            }
            finally
            {
                storage.Release();
            }
            _verdicts.TryAdd(key, verdict);
            return verdict.Length == 0 ? null : verdict;
        }
    }
}
