using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Writeback.Simulation;
using Writeback.Tracing;
using Writeback.Tracing.Corpus;

namespace Writeback.Benchmarks.Tracing;

/// <summary>
/// Where a recorded entry's exploration spends its time: crash points, states generated per crash
/// point, checker runs and the time they take, per model, for one saved corpus trace and its
/// entry's checker (as <c>writeback whatif</c> explores it).
/// <c>dotnet run -c Release --project bench/Writeback.Benchmarks -- explore-profile CORPUS-DIR NAME [MODEL...]</c>
/// </summary>
public sealed class ExplorationProfileHarness : IHarness
{
    public string Name => "explore-profile";

    public string Description => "explore-profile CORPUS NAME [MODEL...]: crash points, states per point, checker runs and their time for one recorded corpus entry";

    public int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: explore-profile CORPUS-DIR NAME [MODEL...]");
            return 2;
        }
        CorpusEntry entry = CorpusManifest.Load(Path.Combine(args[0], args[1], "entry.json"));
        string build = Directory.CreateTempSubdirectory("writeback-profile-").FullName;
        try
        {
            if (entry.CheckerNeedsBuild && CorpusRecorder.Build(entry, build) is { } error)
            {
                Console.Error.WriteLine(error);
                return 1;
            }
            Recording recording;
            using (FileStream stream = File.OpenRead(Path.Combine(args[0], "recorded", entry.Name + ".trace")))
            {
                recording = Recording.Load(stream);
            }
            var scenario = new TraceScenario(recording, new CheckerOptions
            {
                Command = entry.ExpandedChecker(build),
                IgnoredPaths = entry.Ignore,
                VerdictDependsOnContext = false, // as whatif runs the corpus
            });
            var timed = new TimedScenario(scenario);
            var clock = Stopwatch.StartNew();
            SimulationRecord record = CrashExplorer.Record(timed);
            Console.WriteLine($"{entry.Name}: {recording.Events.Count} events, {record.CallCount} calls, {record.CrashPointCount} crash points; "
                              + $"replay {clock.Elapsed.TotalSeconds:0.00} s; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            string[] models = args.Length > 2 ? args[2..] : ["Linux2_6_19To3_15WholeFile", "Linux3_16Range"];
            foreach (string name in models)
            {
                KernelModel model = KernelModel.All.Single(m => m.Name == name);
                timed.Reset();
                clock.Restart();
                CrashReport report = new CrashExplorer(model).Explore(record, timed);
                double seconds = clock.Elapsed.TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name}: {seconds:0.0} s; states generated {report.StatesGenerated}, checked {report.StatesChecked}; "
                    + $"exhaustive {report.ExhaustiveCrashPoints}, bounded {report.BoundedCrashPoints}; checker calls {timed.Calls}, "
                    + $"checker time {timed.CheckSeconds:0.0} s (mean {1000 * timed.CheckSeconds / Math.Max(1, timed.Calls):0} ms); failures {report.Failures.Count}"));
                foreach ((int point, int count) in timed.PerCrashPoint.OrderByDescending(p => p.Value).Take(5))
                {
                    Console.WriteLine($"    crash point #{point}: {count} checker calls");
                }
            }
            Console.WriteLine($"  checker runs in all: {scenario.CheckerRuns}, distinct (image, output): {scenario.DistinctImages}");
            return 0;
        }
        finally
        {
            Directory.Delete(build, recursive: true);
        }
    }

    /// <summary>The scenario with its checker calls counted and timed.</summary>
    private sealed class TimedScenario(TraceScenario inner) : ICrashScenario
    {
        private long _calls;
        private long _ticks;

        public ConcurrentDictionary<int, int> PerCrashPoint { get; private set; } = new();

        public string Name => inner.Name;

        public long Calls => Interlocked.Read(ref _calls);

        public double CheckSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalSeconds / Environment.ProcessorCount;

        public void Reset()
        {
            _calls = 0;
            _ticks = 0;
            PerCrashPoint = new();
        }

        public void Run(IMappedStorage storage, Acknowledgements acknowledged) => inner.Run(storage, acknowledged);

        public CheckResult Check(IMappedStorage recovered, CrashContext context)
        {
            var clock = Stopwatch.StartNew();
            CheckResult result = inner.Check(recovered, context);
            Interlocked.Add(ref _ticks, clock.Elapsed.Ticks);
            Interlocked.Increment(ref _calls);
            PerCrashPoint.AddOrUpdate(context.CrashPointIndex, 1, (_, n) => n + 1);
            return result;
        }
    }
}
