namespace Writeback.Simulation;

/// <summary>The rule a failing crash state shows the program broke, derived from the model and the recording.</summary>
public enum DiagnosisCategory
{
    /// <summary>A name was created, renamed or removed and no fsync of its directory followed before the crash point: the directory entry was not durable.</summary>
    NameNeverDurable,

    /// <summary>The program acknowledged (printed) before the call that made the data durable, or no call ever did.</summary>
    AcknowledgedBeforeSync,

    /// <summary>The data would have been durable only under a model where a range sync covers the whole file (Linux 2.6.19 to 3.15 <c>msync</c>).</summary>
    ReliedOnWholeFileSync,

    /// <summary>Power loss tore a page at the atomic write unit: part of it old, part new.</summary>
    TornWrite,

    /// <summary>A later write reached the disk while an earlier one it depends on did not: no sync ordered them.</summary>
    ReorderedPersistence,

    /// <summary>The image lost data no durability call had covered yet, and no acknowledgement depended on it: the checker relies on it anyway.</summary>
    NotYetDurable,
}
