using System.Globalization;
using System.Runtime.InteropServices;
using Writeback.LossyFs.Tests.Fidelity;
using Writeback.LossyFs.Tests.Programs;

namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>
/// The server keeps backing descriptors per open file handle plus a bounded cache of idle ones, so
/// creating and closing any number of files works, and at its RLIMIT_NOFILE a program gets EMFILE
/// while the control socket keeps answering. The server runs in a child process started under
/// <c>prlimit --nofile=N</c> (the test host's own limit is untouched).
/// </summary>
public sealed class DescriptorLimitTests
{
    /// <summary>The child-process verb: serve BACKING on MOUNTPOINT until unmounted.</summary>
    public const string ServeVerb = "serve-mount";

    private const int NoFileLimit = 256;

    /// <summary>Entry point of the child: mounts, prints "ready", serves until the mount ends.</summary>
    public static int Serve(string backing, string mountpoint)
    {
        using var fileSystem = LossyFileSystem.Mount(new LossyFsOptions { BackingDirectory = backing, Mountpoint = mountpoint, Log = _ => { } });
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        fileSystem.Completion.Wait();
        return 0;
    }

    /// <summary>Opens f0, f1, ... and keeps them open until an open fails or <paramref name="count"/> are open: the descriptors, and the errno of the failure (0 if none).</summary>
    private static (List<int> Open, int Failure) OpenUntilRefused(string mountpoint, int count)
    {
        var open = new List<int>();
        for (int index = 0; index < count; index++)
        {
            int fd = Native.open(Path.Combine(mountpoint, "f" + index.ToString(CultureInfo.InvariantCulture)), Native.O_RDWR, 0);
            if (fd < 0)
            {
                return (open, Interop.LastErrno);
            }
            open.Add(fd);
        }
        return (open, 0);
    }

    private static void WaitUntilHoldingAtMost(int processId, int descriptorCount, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Directory.GetFiles($"/proc/{processId}/fd").Length > descriptorCount && waited.Elapsed < timeout)
        {
            Thread.Sleep(20);
        }
    }

    [SkippableFact]
    public void Under_a_low_descriptor_limit_files_come_and_go_forever_and_the_server_answers_at_its_limit()
    {
        string? reason = TestMount.Unavailable();
        Skip.If(reason is not null, reason);
        string? prlimit = ChildProcess.FindOnPath("prlimit");
        Skip.If(prlimit is null, "prlimit (util-linux) is not installed");
        string root = Directory.CreateTempSubdirectory("lossyfs-test-fd-").FullName;
        string backing = Directory.CreateDirectory(Path.Combine(root, "backing")).FullName;
        string mountpoint = Directory.CreateDirectory(Path.Combine(root, "mnt")).FullName;
        string assembly = typeof(WorkloadProcess).Assembly.Location;
        string baseName = Path.ChangeExtension(assembly, null);
        using var server = ChildProcess.Start(prlimit!, [string.Create(CultureInfo.InvariantCulture, $"--nofile={NoFileLimit}:{NoFileLimit}"), "dotnet", "exec",
            "--runtimeconfig", baseName + ".runtimeconfig.json", "--depsfile", baseName + ".deps.json", assembly, ServeVerb, backing, mountpoint]);
        var client = new LossyFsClient(mountpoint);
        try
        {
            Assert.True(server.ReadLine(60_000) == "ready", $"the server did not come up: {server.StandardError}");
            // Far more files than the server may hold descriptors, each created, written, closed.
            for (int index = 0; index < 3 * NoFileLimit; index++)
            {
                File.WriteAllText(Path.Combine(mountpoint, "f" + index.ToString(CultureInfo.InvariantCulture)), "x");
            }
            // Held open at once: the program meets the server's limit as EMFILE (or ENFILE), never a dead mount.
            int heldBefore = Directory.GetFiles($"/proc/{server.ProcessId}/fd").Length;
            (List<int> open, int failure) = OpenUntilRefused(mountpoint, 2 * NoFileLimit);
            Assert.True(failure is 24 or 23, $"opening {2 * NoFileLimit} files at once through a server limited to {NoFileLimit} descriptors: errno {failure} after {open.Count} opens (expected EMFILE or ENFILE)");
            Assert.NotNull(client.Status()); // the control socket still answers at the limit
            open.ForEach(fd => Native.close(fd));
            // close(2) of a FUSE file returns before the kernel's RELEASE reaches the server, so the server
            // may still hold those descriptors when the next opens arrive: wait for the releases first.
            WaitUntilHoldingAtMost(server.ProcessId, heldBefore, TimeSpan.FromSeconds(30));
            for (int index = 0; index < NoFileLimit; index++)
            {
                File.WriteAllText(Path.Combine(mountpoint, "g" + index.ToString(CultureInfo.InvariantCulture)), "y");
            }
            Assert.False(server.HasExited, $"the server died: {server.StandardError}");
            int held = Directory.GetFiles($"/proc/{server.ProcessId}/fd").Length;
            Assert.True(held < NoFileLimit, $"the server holds {held} descriptors after every file was closed");
            client.Unmount();
            Assert.Equal(0, server.WaitForExit(30_000));
            Assert.Equal("x", File.ReadAllText(Path.Combine(backing, "f0")));
        }
        finally
        {
            if (!server.HasExited)
            {
                try
                {
                    client.Unmount();
                }
                catch (IOException)
                {
                    server.Kill();
                }
            }
            Directory.Delete(root, recursive: true);
        }
    }
}
