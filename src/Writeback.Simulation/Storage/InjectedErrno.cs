namespace Writeback.Simulation;

/// <summary>The errors <see cref="StorageFaults"/> can inject, with their Linux numbers.</summary>
public enum InjectedErrno
{
    /// <summary>EIO: the device failed the write (a bad sector, a lost disk).</summary>
    EIO = 5,

    /// <summary>ENOSPC: no space left to allocate the blocks being written back (thin provisioning, delayed allocation).</summary>
    ENOSPC = 28,
}
