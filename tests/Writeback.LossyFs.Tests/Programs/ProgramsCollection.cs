namespace Writeback.LossyFs.Tests.Programs;

/// <summary>
/// The program and fidelity suites run alone, after the other test classes: they start many child
/// processes and mounts, and running beside tests that map files of an in-process mount adds the
/// JIT and GC mmap-lock traffic that can deadlock those tests (see docs/lossyfs.md, "Do not map
/// files of a mount in the process that serves it").
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProgramsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "LossyFs programs and model fidelity";
}
