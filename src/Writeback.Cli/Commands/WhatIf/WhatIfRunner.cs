using System.Diagnostics;
using Writeback.Cli.Output;
using Writeback.Tracing;
using Writeback.Tracing.Corpus;

namespace Writeback.Cli.Commands.WhatIf;

/// <summary>
/// Replays one recorded program under a baseline and a candidate model and compares them per crash kind;
/// for each kind the candidate breaks, finds its first failure and the guarantee the program relied on.
/// </summary>
/// <param name="Baseline">The baseline model.</param>
/// <param name="Candidate">The candidate model.</param>
/// <param name="Options">The explorer's options (crash kinds, seed, limits).</param>
/// <param name="CheckerTimeout">A checker run's time limit.</param>
/// <param name="BuildRoot">Where entries whose checker needs a build are built.</param>
internal sealed record WhatIfRunner(KernelModel Baseline, KernelModel Candidate, ExplorerOptions Options, TimeSpan CheckerTimeout, string BuildRoot)
{
    /// <summary>Compares one corpus entry, never throwing for a missing trace, a missing command or a checker that cannot run.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="tracePath">Its recorded trace.</param>
    /// <returns>The comparison.</returns>
    public WhatIfProgram Compare(CorpusEntry entry, string tracePath)
    {
        var clock = Stopwatch.StartNew();
        WhatIfProgram Skipped(string status, string reason) => new(entry.Name, entry.Engine, status, reason, [], [], 0, 0, clock.Elapsed.TotalSeconds);
        if (!File.Exists(tracePath))
        {
            return Skipped("skipped", $"no recorded trace at {tracePath} (writeback corpus record --out {Path.GetDirectoryName(tracePath)})");
        }
        string[] missing = [.. entry.CheckerRequires.Where(c => CorpusTools.Find(c) is null)];
        if (missing.Length > 0)
        {
            return Skipped("skipped", $"the checker needs {string.Join(", ", missing)}, not found on PATH");
        }
        string buildDirectory = Path.Combine(BuildRoot, entry.Name);
        if (entry.CheckerNeedsBuild && CorpusRecorder.Build(entry, buildDirectory) is { } buildError)
        {
            return Skipped("skipped", buildError);
        }
        Recording recording;
        using (FileStream stream = File.OpenRead(tracePath))
        {
            recording = Recording.Load(stream);
        }
        var scenario = new TraceScenario(recording, new CheckerOptions
        {
            Command = entry.ExpandedChecker(buildDirectory),
            IgnoredPaths = entry.Ignore,
            Timeout = CheckerTimeout,
            // The corpus's checkers judge the image and the output alone (corpus/README.md; CorpusTests
            // checks that none reads the crash kind or model): an image both models or several crash
            // kinds allow is judged once.
            VerdictDependsOnContext = false,
        });
        try
        {
            return Compare(entry, scenario, clock);
        }
        catch (TraceException e)
        {
            return Skipped("error", e.Message);
        }
    }

    private WhatIfProgram Compare(CorpusEntry entry, TraceScenario scenario, Stopwatch clock)
    {
        SimulationRecord record = CrashExplorer.Record(scenario);
        CrashReport Explore(KernelModel model)
        {
            CrashReport report = new CrashExplorer(model, Options).Explore(record, scenario);
            scenario.ThrowIfCheckerFailed();
            return report;
        }
        CrashReport baseline = Explore(Baseline);
        CrashReport candidate = Explore(Candidate);
        var verdicts = new List<WhatIfVerdict>();
        var broken = new List<WhatIfBreak>();
        foreach (CrashKind kind in Options.CrashKinds)
        {
            int baselineFailures = baseline.Failures.Count(f => f.Kind == kind);
            int candidateFailures = candidate.Failures.Count(f => f.Kind == kind);
            verdicts.Add(new WhatIfVerdict(kind, baselineFailures == 0, candidateFailures == 0, baselineFailures, candidateFailures));
            if (baselineFailures == 0 && candidateFailures > 0)
            {
                broken.Add(Break(record, candidate.Failures.Where(f => f.Kind == kind).MinBy(f => f.CrashPointIndex)!));
            }
        }
        return new WhatIfProgram(entry.Name, entry.Engine, "compared", null, verdicts, broken, record.CrashPointCount, scenario.CheckerRuns,
                                 clock.Elapsed.TotalSeconds) { Reports = [baseline, candidate], Reductions = ExplorationText.ReductionLines([baseline, candidate]) };
    }

    private WhatIfBreak Break(SimulationRecord record, CrashFailure failure)
    {
        IReadOnlyList<string> deviations = failure.ShrunkDeviations ?? failure.Deviations;
        string[] shrunk = [$"base: {failure.ShrunkBase ?? "the failing state"}", .. deviations];
        string[] pages = [.. (failure.ShrunkPages ?? failure.Pages).Select(map => $"{map.File}: {map.ToLetters()}")];
        int? reliedOn = ReliedOn(record, failure.CrashPointIndex, [.. deviations, .. failure.Deviations]);
        ModelCall? call = reliedOn is { } index ? record.ModelCallOf(index) : null;
        string before = failure.Call.StartsWith("after ", StringComparison.Ordinal) ? "" : "before ";
        return new WhatIfBreak(failure.Kind, failure.CrashPointIndex, before + failure.Call, failure.Message, shrunk, pages, failure.ShrunkMessage,
                               reliedOn is { } i ? record.DescribeCall(i) : null, reliedOn, call is { } c ? ModelDifferences.JsonName(c) : null,
                               call is { } b ? ModelDifferences.Describe(Baseline.EffectOf(b)) : null,
                               call is { } d ? ModelDifferences.Describe(Candidate.EffectOf(d)) : null);
    }

    /// <summary>
    /// The guarantee relied on: the last recorded call before the crash point whose effect differs between the
    /// two models, preferring one on a file the failing state lost or tore; null when no call's effect differs
    /// (the models differ in their name rules only).
    /// </summary>
    private int? ReliedOn(SimulationRecord record, int crashPointIndex, IReadOnlyList<string> deviations)
    {
        string[] files = [.. deviations.Select(FileOf).Where(f => f.Length > 0).Distinct()];
        int? last = null;
        int? lastOnFile = null;
        for (int index = 0; index < Math.Min(crashPointIndex, record.CallCount); index++)
        {
            if (record.ModelCallOf(index) is not { } call || Baseline.EffectOf(call) == Candidate.EffectOf(call))
            {
                continue;
            }
            last = index;
            string description = record.DescribeCall(index);
            if (files.Any(file => description.Contains(file, StringComparison.Ordinal)))
            {
                lastOnFile = index;
            }
        }
        return lastOnFile ?? last;
    }

    /// <summary>The file a deviation is about (<c>data.bin page 3: …</c>, <c>wal: length …</c>), or "" for a directory's names.</summary>
    private static string FileOf(string deviation)
    {
        if (deviation.StartsWith("directory:", StringComparison.Ordinal))
        {
            return "";
        }
        int end = deviation.IndexOf(" page ", StringComparison.Ordinal) is var page and >= 0 ? page : deviation.IndexOf(':', StringComparison.Ordinal);
        return end > 0 ? deviation[..end] : "";
    }
}
