namespace Writeback.LossyFs.RealFs;

/// <summary>Loop devices and mounts through losetup(8), mount(8) and umount(8), each with a timeout.</summary>
public static class LoopDevice
{
    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Attaches a free loop device to <paramref name="imagePath"/> and returns it (e.g. <c>/dev/loop7</c>).</summary>
    /// <exception cref="RealFsException">losetup failed.</exception>
    public static string Attach(string imagePath)
    {
        CommandResult result = ExternalCommand.RunChecked("losetup", ["--find", "--show", "--direct-io=off", imagePath], s_toolTimeout);
        return result.Output.Trim();
    }

    /// <summary>Detaches a loop device; returns false (never throws) when losetup failed.</summary>
    public static bool Detach(string device) => ExternalCommand.Run("losetup", ["--detach", device], s_toolTimeout).ExitCode == 0;

    /// <summary>Mounts <paramref name="device"/> on <paramref name="directory"/>; null on success, else mount's first error line.</summary>
    public static string? Mount(string device, string directory, string fileSystemType, string options)
    {
        CommandResult result = ExternalCommand.Run("mount", ["-t", fileSystemType, "-o", options, device, directory], s_toolTimeout);
        return result.ExitCode == 0 ? null : result.FirstLine;
    }

    /// <summary>Unmounts <paramref name="directory"/>; when busy or failing, detaches it lazily. Returns false when even that failed.</summary>
    public static bool Unmount(string directory)
    {
        if (ExternalCommand.Run("umount", [directory], s_toolTimeout).ExitCode == 0)
        {
            return true;
        }
        return ExternalCommand.Run("umount", ["-l", directory], s_toolTimeout).ExitCode == 0;
    }
}
