namespace Writeback.Simulation;

/// <summary>
/// Why a failing crash state broke the program: the rule broken, what was lost and why it was not
/// durable at the crash point, the earliest acknowledgement the image contradicts, and a short
/// timeline. Derived from the kernel model and the recording, never from the checker's message; the
/// same value serves <c>check</c>, <c>trace</c> and <c>whatif</c>, in text, JSON and HTML.
/// </summary>
public sealed record FailureExplanation
{
    /// <summary>The rule broken.</summary>
    public required DiagnosisCategory Category { get; init; }

    /// <summary>The rule in words, e.g. "a new name is durable only after an fsync of its directory".</summary>
    public required string Rule { get; init; }

    /// <summary>This failure in one or two sentences: what was lost, what was acknowledged, which call was missing.</summary>
    public required string Summary { get; init; }

    /// <summary>The data or name the failure depends on, e.g. <c>log.bin pages 0-1</c> or <c>the name log.bin</c>.</summary>
    public required string Subject { get; init; }

    /// <summary>The recorded call that stored that data or changed that name, or <see langword="null"/>.</summary>
    public int? WrittenAtCall { get; init; }

    /// <summary>The earliest acknowledgement after that write and before the crash point (0-based among all acknowledgements), or <see langword="null"/> when none depends on it.</summary>
    public int? AcknowledgementIndex { get; init; }

    /// <summary>That acknowledgement in words (for a traced program, the output line).</summary>
    public string? Acknowledgement { get; init; }

    /// <summary>The first recorded call after the crash point that would have made the data or name durable, or <see langword="null"/> when none did.</summary>
    public int? DurableAtCall { get; init; }

    /// <summary>What had been acknowledged at the crash point, in words ("2 lines printed, the last \"1\"").</summary>
    public required string AcknowledgedBefore { get; init; }

    /// <summary>The last events before the crash point, oldest first, with the write, the acknowledgement, the crash and the missing sync marked.</summary>
    public required IReadOnlyList<ExplanationEvent> Timeline { get; init; }
}
