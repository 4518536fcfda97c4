namespace Writeback.Tracing.Tests;

/// <summary>Records a real program and explores the recording as <c>writeback trace</c> does, with small limits so tests stay quick.</summary>
internal static class Traced
{
    public static readonly KernelModel[] LinuxModels = [KernelModel.Linux2_6_19To3_15WholeFile, KernelModel.Linux3_16Range];

    private static readonly Lazy<string?> PtraceUnavailable = new(ProbePtrace);

    /// <summary>Skips the test where this process may not ptrace its children (a container without it, a seccomp filter, an outer tracer).</summary>
    public static void RequirePtrace() => Skip.If(PtraceUnavailable.Value is not null, PtraceUnavailable.Value);

    public static Recording Record(string directory, string program, params string[] arguments)
    {
        RequirePtrace();
        return TraceRecorder.Record(new RecorderOptions { Directory = directory, Program = program, Arguments = arguments, Timeout = TimeSpan.FromSeconds(120) });
    }

    private static string? ProbePtrace()
    {
        using var directory = new TempDirectory();
        try
        {
            TraceRecorder.Record(new RecorderOptions { Directory = directory.Path, Program = "/bin/sh", Arguments = ["-c", "echo x > f"] });
            return null;
        }
        catch (TraceException e) when (e.Message.Contains("PTRACE_SEIZE", StringComparison.Ordinal))
        {
            return e.Message;
        }
    }

    public static Outcome Explore(Recording recording, string checker, IReadOnlyList<string>? ignore = null, int maxStates = 256)
    {
        var scenario = new TraceScenario(recording, new CheckerOptions { Command = checker, IgnoredPaths = ignore ?? [], Timeout = TimeSpan.FromSeconds(60) });
        SimulationRecord record = CrashExplorer.Record(scenario);
        var options = new ExplorerOptions { MaxStatesPerCrashPoint = maxStates, RandomSamplesPerCrashPoint = 16 };
        var reports = new List<CrashReport>();
        foreach (KernelModel model in LinuxModels)
        {
            reports.Add(new CrashExplorer(model, options).Explore(record, scenario));
        }
        var outcome = new Outcome(scenario, record, reports);
        LogVerdicts(recording, outcome);
        return outcome;
    }

    /// <summary>
    /// With WRITEBACK_VERDICT_LOG set, appends each exploration's verdict matrix to that file, so two runs
    /// of the suite (before and after a change to the models) can be compared verdict by verdict.
    /// </summary>
    private static void LogVerdicts(Recording recording, Outcome outcome)
    {
        if (Environment.GetEnvironmentVariable("WRITEBACK_VERDICT_LOG") is not { Length: > 0 } log)
        {
            return;
        }
        string line = $"{Path.GetFileName(recording.Program)} {string.Join(' ', recording.Arguments.Select(a => a.Length > 40 ? a[..40] : a))} events={recording.Events.Count} | {outcome.Matrix}\n";
        lock (PtraceUnavailable)
        {
            File.AppendAllText(log, line.ReplaceLineEndings(" ").TrimEnd() + "\n");
        }
    }

    internal sealed record Outcome(TraceScenario Scenario, SimulationRecord Record, IReadOnlyList<CrashReport> Reports)
    {
        public bool Passed(KernelModel model, CrashKind kind) => !Reports.Single(r => r.Model == model).Failures.Any(f => f.Kind == kind);

        /// <summary>"pass"/"FAIL" per model and kind, for assertion messages and whole-matrix comparisons.</summary>
        public string Matrix => string.Join("; ", Reports.Select(r => r.Model.Name + ": " + string.Join(' ',
            Enum.GetValues<CrashKind>().Select(k => (Passed(r.Model, k) ? "pass" : "FAIL") + "/" + k))));

        public IReadOnlyList<CrashFailure> CandidateOnly
        {
            get
            {
                var baseline = Reports[0].Failures.Select(f => (f.Kind, f.CrashPointIndex)).ToHashSet();
                return [.. Reports[1].Failures.Where(f => !baseline.Contains((f.Kind, f.CrashPointIndex)))];
            }
        }

        public override string ToString() => Matrix + "\n" + string.Join("\n", Reports.SelectMany(r => r.Failures.Take(3).Select(f => $"{r.Model.Name} {f.Kind} #{f.CrashPointIndex} {f.Call}: {f.Message}")));
    }
}
