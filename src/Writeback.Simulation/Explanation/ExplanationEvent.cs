namespace Writeback.Simulation;

/// <summary>What an event in a failure's timeline is to the diagnosis.</summary>
public enum ExplanationRole
{
    /// <summary>Another recorded call, for context.</summary>
    Call,

    /// <summary>The call that stored the data or changed the name the failure depends on.</summary>
    Write,

    /// <summary>The acknowledgement the image contradicts.</summary>
    Acknowledgement,

    /// <summary>The crash point.</summary>
    Crash,

    /// <summary>The durability call that would have been needed before the acknowledgement: it came after the crash point, or never.</summary>
    MissingSync,

    /// <summary>A call elided from the timeline (a gap).</summary>
    Gap,
}

/// <summary>One line of a failure's timeline: the last events before the crash point.</summary>
/// <param name="CallIndex">The recorded call's index (the number crash points use), or <see langword="null"/> for acknowledgements, gaps and a sync that never came.</param>
/// <param name="Text">The event in words.</param>
/// <param name="Role">What the event is to the diagnosis.</param>
public sealed record ExplanationEvent(int? CallIndex, string Text, ExplanationRole Role);
