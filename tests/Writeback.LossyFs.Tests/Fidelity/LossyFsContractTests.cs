using Writeback.LossyFs.Tests.Mounted;
using Writeback.LossyFs.Tests.Programs;
using Writeback.Simulation.Tests.Contract;

namespace Writeback.LossyFs.Tests.Fidelity;

/// <summary>
/// The storage contract (<see cref="StorageContract"/>, shared with Writeback.Simulation.Tests) on
/// <see cref="DirectoryStorage"/> over a LossyFs mount. Each case runs in a child process, which
/// maps the mount's files while this process serves it (see <see cref="WorkloadProcess"/> for why).
/// </summary>
[Collection(Programs.ProgramsCollection.Name)]
public sealed class LossyFsContractTests : StorageContract
{
    /// <summary>The child-process verb: <c>storage-contract CASE DIRECTORY</c>.</summary>
    public const string Verb = "storage-contract";

    /// <summary>In the child: runs one case in <paramref name="directory"/>; prints the failure and returns 1 when it throws.</summary>
    public static int RunCase(string caseName, string directory)
    {
        try
        {
            StorageContractCases.Run(caseName, new DirectoryStorage(directory));
            return 0;
        }
#pragma warning disable CA1031 // Any failure of the case is reported to the parent, which fails the test with it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Console.WriteLine(exception);
            return 1;
        }
    }

    protected override void Verify(string name)
    {
        using var mount = TestMount.Create();
        using ChildProcess child = WorkloadProcess.Start([Verb, name, mount.Mountpoint]);
        (int exitCode, string? output, string? error) = child.RunToEnd(120_000);
        Assert.True(exitCode == 0, $"contract case {name} on LossyFs: exit {exitCode}\n{output}\n{error}");
    }
}
