namespace Writeback.Simulation;

/// <summary>
/// What a workload has promised its user is durable (a committed transaction id, a record count),
/// in the order promised. Each value is tied to the crash point at which it was added: a crash at
/// crash point <c>i</c> sees the values added before recorded call <c>i</c> started.
/// </summary>
public sealed class Acknowledgements
{
    private readonly List<long> _values = [];
    private readonly List<int> _crashPoints = [];
    private readonly Func<int> _currentCrashPoint;
    private readonly Action<long>? _added;

    /// <summary>Creates an empty list whose values are not tied to any recording (crash point 0).</summary>
    public Acknowledgements()
        : this(static () => 0)
    {
    }

    /// <summary>
    /// Creates an empty list that calls <paramref name="added"/> with each value once it is added: to
    /// run a workload as a real program, which tells its user (prints the value) at that moment.
    /// </summary>
    /// <param name="added">Called after each <see cref="Add"/>, on the adding thread.</param>
    public Acknowledgements(Action<long> added)
        : this(static () => 0)
    {
        ArgumentNullException.ThrowIfNull(added);
        _added = added;
    }

    internal Acknowledgements(Func<int> currentCrashPoint) => _currentCrashPoint = currentCrashPoint;

    /// <summary>The values acknowledged so far, in order.</summary>
    public IReadOnlyList<long> Values => _values;

    /// <summary>Records that the program has told its user that <paramref name="value"/> is durable.</summary>
    /// <param name="value">What was promised, e.g. a transaction id or a record count.</param>
    public void Add(long value)
    {
        _values.Add(value);
        _crashPoints.Add(_currentCrashPoint());
        _added?.Invoke(value);
    }

    /// <summary>For each crash point 0..<paramref name="crashPointCount"/>-1, how many values had been added when it was reached.</summary>
    internal int[] CountsAt(int crashPointCount)
    {
        int[] counts = new int[crashPointCount];
        int added = 0;
        for (int crashPointIndex = 0; crashPointIndex < crashPointCount; crashPointIndex++)
        {
            while (added < _crashPoints.Count && _crashPoints[added] <= crashPointIndex)
            {
                added++;
            }
            counts[crashPointIndex] = added;
        }
        return counts;
    }
}
