namespace Writeback.Simulation;

/// <summary>What kind of crash a post-crash image follows (research section 7.1).</summary>
public enum CrashKind
{
    /// <summary>
    /// The process dies (kill -9, an unhandled exception). The page cache lives on: every store made
    /// through a shared mapping and every name change survives, because the kernel still holds them.
    /// </summary>
    ProcessCrash,

    /// <summary>
    /// The kernel panics while the device keeps power. The page cache is lost; what the device has
    /// acknowledged (its volatile write cache included) survives.
    /// </summary>
    KernelCrash,

    /// <summary>
    /// Power is cut. Only what reached stable media survives; pages being written may be torn at the
    /// atomic write unit (<see cref="ExplorerOptions.AtomicWriteBytes"/>).
    /// </summary>
    PowerLoss,
}
