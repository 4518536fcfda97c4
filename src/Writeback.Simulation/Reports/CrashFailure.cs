namespace Writeback.Simulation;

/// <summary>One crash point (and crash kind) at which the scenario's checker rejected a post-crash image.</summary>
public sealed record CrashFailure
{
    /// <summary>The kind of crash.</summary>
    public required CrashKind Kind { get; init; }

    /// <summary>The crash point: just before recorded call <c>CrashPointIndex</c>, or after the last call when it equals the call count.</summary>
    public required int CrashPointIndex { get; init; }

    /// <summary>
    /// The call the crash point precedes, e.g. <c>Flush(log.bin, offset=4096, length=4096)</c>; for
    /// the crash point after the last call, the last call, prefixed with <c>after </c>.
    /// </summary>
    public required string Call { get; init; }

    /// <summary>How many values the workload had acknowledged at the crash point: the step of the scenario it was in.</summary>
    public required int AcknowledgedCount { get; init; }

    /// <summary>The checker's message for the failing image.</summary>
    public required string Message { get; init; }

    /// <summary>When the checker threw: the exception in full (type, message and stack trace); otherwise <see langword="null"/>.</summary>
    public string? CheckerException { get; init; }

    /// <summary>The storage fault injected in the run that found this failure (which call failed, with which errno), or <see langword="null"/>.</summary>
    public string? StorageFault { get; init; }

    /// <summary>The failing image: the fate of every page of every file that survived, in name order.</summary>
    public required IReadOnlyList<FilePageMap> Pages { get; init; }

    /// <summary>The failing image's choices that are not "all lost", in words (pages, lengths, names).</summary>
    public required IReadOnlyList<string> Deviations { get; init; }

    /// <summary>
    /// The shrunk image: the state with the fewest deviations from the nearest all-lost or all-kept
    /// image that still fails (re-checked), or <see langword="null"/> when shrinking was off.
    /// </summary>
    public IReadOnlyList<FilePageMap>? ShrunkPages { get; init; }

    /// <summary>The shrunk image's deviations from its base (<see cref="ShrunkBase"/>), in words.</summary>
    public IReadOnlyList<string>? ShrunkDeviations { get; init; }

    /// <summary><c>all-lost</c> or <c>all-kept</c>: the image the shrunk state deviates least from.</summary>
    public string? ShrunkBase { get; init; }

    /// <summary>The checker's message for the shrunk image.</summary>
    public string? ShrunkMessage { get; init; }

    /// <summary>Why the state broke the program: the rule broken, what was lost, the acknowledgement it contradicts and a short timeline (of the shrunk state when there is one).</summary>
    public FailureExplanation? Explanation { get; init; }

    /// <summary>The seed of the run that found it.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The <c>writeback check</c> arguments that reproduce this failure.</summary>
    public required string Reproduce { get; init; }

    /// <summary>The failing state: one option index per choice of the crash point's space.</summary>
    internal int[]? FailingState { get; init; }

    /// <summary>The shrunk state, when shrinking was on.</summary>
    internal int[]? ShrunkState { get; init; }

    /// <summary>The key that identifies this failure across runs and models: kind and crash point.</summary>
    internal (CrashKind Kind, int CrashPointIndex) Key => (Kind, CrashPointIndex);
}
