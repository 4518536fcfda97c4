namespace Writeback.Native;

/// <summary>
/// The test seam: makes chosen system calls fail with a chosen errno without touching the kernel.
/// A file opened without one pays a single null check per call.
/// </summary>
internal sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Rule> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes <paramref name="operation"/> (a <see cref="SystemCalls"/> operation name) fail with
    /// <paramref name="errno"/> after <paramref name="succeedFirst"/> successful calls, for
    /// <paramref name="failCount"/> calls.
    /// </summary>
    public FaultInjector Fail(string operation, int errno, int succeedFirst = 0, int failCount = int.MaxValue)
    {
        lock (_gate)
        {
            _rules[operation] = new Rule(errno, succeedFirst, failCount);
        }
        return this;
    }

    /// <summary>How many times <paramref name="operation"/> was attempted (failed or not).</summary>
    public int CallCount(string operation)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault(operation);
        }
    }

    /// <summary>Counts the call and returns the errno to fail it with, or 0 to make the real call.</summary>
    public int Check(string operation)
    {
        lock (_gate)
        {
            var count = _calls.GetValueOrDefault(operation);
            _calls[operation] = count + 1;
            if (!_rules.TryGetValue(operation, out var rule))
            {
                return 0;
            }
            if (count < rule.SucceedFirst || count - rule.SucceedFirst >= rule.FailCount)
            {
                return 0;
            }
            return rule.Errno;
        }
    }

    private readonly record struct Rule(int Errno, int SucceedFirst, int FailCount);
}
