using System.Globalization;
using Writeback.LossyFs.Tests.Mounted;
using Writeback.LossyFs.Tests.Programs;
using Writeback.Simulation;
using Writeback.Simulation.Examples;

namespace Writeback.LossyFs.Tests.Fidelity;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is turned off), and the one way the
/// tests start it as a child process. Two workloads run there:
/// <list type="bullet">
/// <item><c>scenario-workload NAME CRASH_POINT DIRECTORY</c> runs a bundled scenario's workload through
/// <see cref="DirectoryStorage"/> wrapped in <see cref="CallLimitedStorage"/> in DIRECTORY, stops before
/// call CRASH_POINT, prints <c>ack N</c> for each acknowledgement and <c>stopped K</c> with the calls
/// made, and exits.</item>
/// <item><c>mapped-workload NAME DIRECTORY</c> runs one of <see cref="MappedWorkloads"/> in DIRECTORY:
/// it reports each step as a JSON line on stdout and waits for a line on stdin where the test must act
/// on the mount in between.</item>
/// </list>
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

    /// <summary>The argument that selects a named mapped-file workload (see <see cref="MappedWorkloads"/>).</summary>
    public const string MappedVerb = "mapped-workload";

    /// <summary>Runs the workload asked for; otherwise does nothing (as the generated entry point would).</summary>
    public static int Main(string[] args)
    {
        switch (args)
        {
            case [Verb, var scenarioName, var crashPoint, var directory]:
                RunScenario(scenarioName, int.Parse(crashPoint, CultureInfo.InvariantCulture), directory);
                return 0;
            case [MappedVerb, var workloadName, var directory]:
                MappedWorkloads.Run(workloadName, directory, Console.In, Console.Out);
                return 0;
            case [LossyFsContractTests.Verb, var caseName, var directory]:
                return LossyFsContractTests.RunCase(caseName, directory);
            case [Mounted.DescriptorLimitTests.ServeVerb, var backing, var mountpoint]:
                return Mounted.DescriptorLimitTests.Serve(backing, mountpoint);
            default:
                return 0;
        }
    }

    /// <summary>Starts this assembly as a child process with <paramref name="arguments"/> (a verb and its arguments).</summary>
    internal static ChildProcess Start(IEnumerable<string> arguments)
    {
        string assembly = typeof(WorkloadProcess).Assembly.Location;
        string baseName = Path.ChangeExtension(assembly, null);
        return ChildProcess.Start("dotnet",
            ["exec", "--runtimeconfig", baseName + ".runtimeconfig.json", "--depsfile", baseName + ".deps.json", assembly, .. arguments]);
    }

    private static void RunScenario(string scenarioName, int crashPoint, string directory)
    {
        ICrashScenario scenario = BundledScenarios.All.Single(b => b.Scenario.Name == scenarioName).Scenario;
        var storage = new CallLimitedStorage(new DirectoryStorage(directory), crashPoint);
        var acknowledged = new Acknowledgements();
        try
        {
            scenario.Run(storage, acknowledged);
        }
        catch (CrashPointReachedException)
        {
            // Stopped exactly at the crash point; the scenario's files were closed on the way out.
        }
        foreach (long value in acknowledged.Values)
        {
            Console.WriteLine($"ack {value.ToString(CultureInfo.InvariantCulture)}");
        }
        Console.WriteLine($"stopped {storage.CallCount.ToString(CultureInfo.InvariantCulture)}");
    }
}
