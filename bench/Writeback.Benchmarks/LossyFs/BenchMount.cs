using System.Diagnostics;
using Writeback.LossyFs.Fuse;

namespace Writeback.Benchmarks.LossyFs;

/// <summary>A mounted file system under measurement: unmounted (and its process ended) on dispose.</summary>
internal interface IBenchMount : IDisposable
{
    /// <summary>Short name for the table: <c>bindfs</c>, <c>LossyFs</c>.</summary>
    string Name { get; }

    /// <summary>Where the workloads run.</summary>
    string MountPoint { get; }
}

/// <summary>Mount-table helpers shared by the mounts.</summary>
internal static class MountTable
{
    /// <summary>Whether a FUSE file system (bindfs or LossyFs) is mounted at <paramref name="mountPoint"/> now.</summary>
    public static bool IsMounted(string mountPoint) => FuseMount.IsMounted(Path.GetFullPath(mountPoint).TrimEnd('/'));

    /// <summary>Waits (bounded) until <paramref name="mountPoint"/> is mounted, or throws naming <paramref name="what"/>.</summary>
    public static void WaitUntilMounted(string mountPoint, string what, Func<bool> gaveUp)
    {
        var clock = Stopwatch.StartNew();
        while (!IsMounted(mountPoint))
        {
            if (gaveUp() || clock.ElapsedMilliseconds > 15_000)
            {
                throw new InvalidOperationException($"{what} did not mount '{mountPoint}' within {clock.ElapsedMilliseconds} ms");
            }
            Thread.Sleep(20);
        }
    }
}

/// <summary>
/// <c>bindfs -f BACKING MOUNTPOINT</c>: Debian's libfuse3 passthrough, run in the foreground so
/// this process owns it and ends it by its id. bindfs's defaults otherwise (single-threaded since
/// bindfs 1.11, no writeback cache), as the issue names it: <c>bindfs BACKING MNT</c>.
/// </summary>
internal sealed class BindfsMount : IBenchMount
{
    private readonly Process _bindfs;

    private BindfsMount(Process bindfs, string mountPoint)
    {
        _bindfs = bindfs;
        MountPoint = mountPoint;
    }

    public string Name => "bindfs";

    public string MountPoint { get; }

    public static BindfsMount Start(string backingDirectory, string mountPoint)
    {
        var startInfo = new ProcessStartInfo("bindfs") { UseShellExecute = false, RedirectStandardError = true };
        foreach (string? argument in new[] { "-f", backingDirectory, mountPoint })
        {
            startInfo.ArgumentList.Add(argument);
        }
        Process process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start bindfs");
        var mount = new BindfsMount(process, mountPoint);
        try
        {
            MountTable.WaitUntilMounted(mountPoint, "bindfs", () => process.HasExited);
            return mount;
        }
        catch
        {
            mount.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (MountTable.IsMounted(MountPoint))
        {
            using var unmount = Process.Start("fusermount3", ["-u", MountPoint]);
            unmount.WaitForExit(30_000);
        }
        if (!_bindfs.WaitForExit(10_000))
        {
            _bindfs.Kill();
            _bindfs.WaitForExit(10_000);
        }
        _bindfs.Dispose();
    }
}
