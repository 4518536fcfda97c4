using System.Diagnostics;
using System.Globalization;
using Writeback.Formatting;

namespace Writeback.Cli.Output;

/// <summary>
/// Progress for a log rather than a terminal: plain lines on standard error, one every
/// <see cref="Interval"/> while the work runs (from a thread of its own, so neither a crash point
/// that takes minutes nor exploration workers that keep the thread pool busy hold a line back),
/// and one when a run longer than one interval ends. A run a CI job kills at its time limit thus shows how far it got: <c>trace: app.py / Linux3_16Range: 7 of 11 crash
/// points, 52 states, checker ran 30 times (12 s)</c>; a run shorter than one interval writes
/// nothing, so a quick run's standard error holds only what went wrong.
/// </summary>
internal sealed class ProgressLines : IProgress<ExplorationProgress>, IDisposable
{
    private readonly TextWriter _error;
    private readonly string _label;
    private readonly Func<long>? _checkerRuns;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly Thread? _ticker;
    private readonly ManualResetEventSlim _stopped = new();
    private readonly Lock _gate = new();
    private ExplorationProgress? _latest;
    private bool _done;
    private bool _written;

    /// <summary>Starts reporting: starts the ticking thread (the first line comes after one interval).</summary>
    /// <param name="error">Standard error.</param>
    /// <param name="label">What is running, e.g. <c>trace: app.py / Linux3_16Range</c>.</param>
    /// <param name="checkerRuns">The checker's run count so far, for a traced program; <see langword="null"/> otherwise.</param>
    /// <param name="interval">
    /// Time between lines; <see langword="null"/> for <see cref="DefaultInterval"/>; zero for a line
    /// at every report (every crash point) and one at the end, with no ticking thread.
    /// </param>
    public ProgressLines(TextWriter error, string label, Func<long>? checkerRuns = null, TimeSpan? interval = null)
    {
        _error = error;
        _label = label;
        _checkerRuns = checkerRuns;
        Interval = interval ?? DefaultInterval;
        if (Interval > TimeSpan.Zero)
        {
            _ticker = new Thread(Tick) { IsBackground = true, Name = "writeback progress lines" };
            _ticker.Start();
        }
    }

    /// <summary>
    /// Five seconds, or <c>WRITEBACK_PROGRESS_SECONDS</c> when it holds a number that is not
    /// negative (0: a line at every crash point): often enough to see where a killed run was,
    /// rarely enough not to fill a log.
    /// </summary>
    public static TimeSpan DefaultInterval =>
        double.TryParse(Environment.GetEnvironmentVariable("WRITEBACK_PROGRESS_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
        && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(5);

    /// <summary>Time between lines while the work runs.</summary>
    public TimeSpan Interval { get; }

    /// <inheritdoc />
    public void Report(ExplorationProgress value)
    {
        lock (_gate)
        {
            _latest = value;
            if (_ticker is null && !_done)
            {
                WriteLine(Status());
            }
        }
    }

    /// <summary>Stops the ticking thread and, when the work ran longer than one interval, writes the last line.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_done)
            {
                return;
            }
            _done = true;
        }
        _stopped.Set();
        _ticker?.Join();
        _stopped.Dispose();
        lock (_gate)
        {
            if (_written || _elapsed.Elapsed >= Interval) // zero: always; a run longer than one interval ends with a line, whether or not the ticker got to run
            {
                WriteLine(Status());
            }
        }
    }

    private void Tick()
    {
        while (!_stopped.Wait(Interval))
        {
            lock (_gate)
            {
                WriteLine(Status());
            }
        }
    }

    /// <summary>The state so far: crash points done of total, states checked, checker runs, elapsed time.</summary>
    internal string Status()
    {
        var parts = new List<string>();
        if (_latest is { } p)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{p.CrashPointsDone} of {Counted.Of(p.CrashPointsTotal, "crash point")}"));
            parts.Add(Counted.Of(p.StatesChecked, "state") + " checked");
        }
        else
        {
            parts.Add("no crash point done yet");
        }
        if (_checkerRuns?.Invoke() is { } runs)
        {
            parts.Add($"checker ran {Counted.Of(runs, "time")}");
        }
        return string.Join(", ", parts) + string.Create(CultureInfo.InvariantCulture, $" ({_elapsed.Elapsed.TotalSeconds:0} s)");
    }

    private void WriteLine(string status)
    {
        _error.WriteLine($"{_label}: {status}");
        _error.Flush();
        _written = true;
    }
}
