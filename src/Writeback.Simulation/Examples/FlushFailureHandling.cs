namespace Writeback.Simulation.Examples;

/// <summary>What <see cref="ChecksummedLogScenario"/> does when a durability call throws <see cref="WritebackException"/>.</summary>
public enum FlushFailureHandling
{
    /// <summary>Stop: acknowledge nothing more and let the exception end the program (fail-stop, as LMDB and PostgreSQL since 2018 do).</summary>
    Stop,

    /// <summary>
    /// Reopen the file (the failed one is poisoned), flush again, and acknowledge when that succeeds:
    /// PostgreSQL's "fsyncgate" bug, since the kernel may have dropped the pages the failed flush did not write.
    /// </summary>
    ReopenAndRetry,
}
