namespace Writeback.LossyFs.Tests.Programs;

/// <summary>
/// The program and fidelity suites run alone, after the other test classes: they start many child
/// processes and mounts. No test maps files of a mount this process serves (that can deadlock on the
/// mmap lock, see docs/lossyfs.md, "Do not map files of a mount in the process that serves it"):
/// mapped workloads run in a child process (Fidelity/WorkloadProcess.cs).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProgramsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "LossyFs programs and model fidelity";
}
