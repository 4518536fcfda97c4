namespace Writeback.Simulation.Examples;

/// <summary>How a <see cref="ChecksummedLogScenario"/> commits a record before acknowledging it.</summary>
public enum LogCommit
{
    /// <summary><c>Flush(offset, length)</c> of the record: durable on return.</summary>
    FlushRange,

    /// <summary><c>StartWriteback(offset, length)</c> of the record: starts I/O, guarantees nothing.</summary>
    StartWritebackOnly,
}
