using System.Globalization;
using Writeback.Simulation;
using Writeback.Simulation.Examples;

namespace Writeback.LossyFs.Tests.Fidelity;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is turned off). Run as
/// <c>dotnet exec Writeback.LossyFs.Tests.dll scenario-workload NAME CRASH_POINT DIRECTORY</c>, it runs
/// a bundled scenario's workload through <see cref="DirectoryStorage"/> wrapped in
/// <see cref="CallLimitedStorage"/> in DIRECTORY, stops before call CRASH_POINT, prints
/// <c>ack N</c> for each acknowledgement and <c>stopped K</c> with the calls made, and exits.
/// </summary>
/// <remarks>
/// Why a separate process: LossyFs serves FUSE from managed threads. A thread that maps a file of the
/// mount holds the process's mmap lock while it waits for FUSE (a page fault, or munmap writing dirty
/// pages back through fuse_vma_close), and the runtime takes that same lock on the serving threads
/// (mprotect for JIT and GC, stack growth). In one process the two wait for each other forever;
/// observed as a test host stuck in <c>folio_wait_bit</c> under <c>fuse_vma_close</c> while a
/// LossyFs thread waits in <c>do_mprotect_pkey</c>. Programs that map files on LossyFs must run in
/// another process than the one that serves it.
/// </remarks>
public static class WorkloadProcess
{
    /// <summary>The argument that selects the scenario workload.</summary>
    public const string Verb = "scenario-workload";

    /// <summary>Runs the workload when asked to; otherwise does nothing (as the generated entry point would).</summary>
    public static int Main(string[] args)
    {
        if (args is not [Verb, var scenarioName, var crashPoint, var directory])
        {
            return 0;
        }
        var scenario = BundledScenarios.All.Single(b => b.Scenario.Name == scenarioName).Scenario;
        var storage = new CallLimitedStorage(new DirectoryStorage(directory), int.Parse(crashPoint, CultureInfo.InvariantCulture));
        var acknowledged = new Acknowledgements();
        try
        {
            scenario.Run(storage, acknowledged);
        }
        catch (CrashPointReachedException)
        {
            // Stopped exactly at the crash point; the scenario's files were closed on the way out.
        }
        foreach (var value in acknowledged.Values)
        {
            Console.WriteLine($"ack {value.ToString(CultureInfo.InvariantCulture)}");
        }
        Console.WriteLine($"stopped {storage.CallCount.ToString(CultureInfo.InvariantCulture)}");
        return 0;
    }
}
