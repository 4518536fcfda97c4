using Writeback.LossyFs;

namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>
/// A LossyFs mount over fresh temporary directories. Dispose always leaves nothing mounted: a clean
/// unmount when possible, else abort + detach (LossyFileSystem.Dispose), then the directories go.
/// </summary>
public sealed class TestMount : IDisposable
{
    private TestMount(string root, LossyFileSystem fileSystem)
    {
        Root = root;
        FileSystem = fileSystem;
    }

    /// <summary>The temporary directory holding backing/ and mnt/.</summary>
    public string Root { get; }

    /// <summary>The mount.</summary>
    public LossyFileSystem FileSystem { get; }

    /// <summary>The mount point.</summary>
    public string Mountpoint => FileSystem.Mountpoint;

    /// <summary>The backing directory (the post-crash image).</summary>
    public string Backing => FileSystem.BackingDirectory;

    /// <summary>Why FUSE tests cannot run here, or null when they can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "LossyFs needs Linux";
        }
        if (!File.Exists("/dev/fuse"))
        {
            return "/dev/fuse is missing (no FUSE in this kernel or container)";
        }
        if (Environment.UserName != "root" && !File.Exists("/usr/bin/fusermount3") && !File.Exists("/bin/fusermount3"))
        {
            return "not root and fusermount3 is not installed";
        }
        return null;
    }

    /// <summary>Mounts over new temporary directories; skips the test when FUSE is unavailable.</summary>
    public static TestMount Create(bool namesDurableImmediately = false, Action<string>? prepareBacking = null, bool controlChannel = false)
    {
        string? reason = Unavailable();
        Skip.If(reason is not null, reason);
        string root = Directory.CreateTempSubdirectory("lossyfs-test-").FullName;
        string backing = Directory.CreateDirectory(System.IO.Path.Combine(root, "backing")).FullName;
        string mountpoint = Directory.CreateDirectory(System.IO.Path.Combine(root, "mnt")).FullName;
        prepareBacking?.Invoke(backing);
        try
        {
            var fileSystem = LossyFileSystem.Mount(new LossyFsOptions
            {
                BackingDirectory = backing,
                Mountpoint = mountpoint,
                NamesDurableImmediately = namesDurableImmediately,
                ControlChannel = controlChannel,
                Log = message => WriteLog($"{mountpoint}: {message}"),
            });
            return new TestMount(root, fileSystem);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    private static readonly Lock s_logLock = new();

    // The test host swallows stderr: LossyFs diagnostics go to a file CI can keep.
    private static void WriteLog(string message)
    {
        lock (s_logLock)
        {
            File.AppendAllText(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lossyfs-tests.log"), $"{DateTime.UtcNow:O} {message}\n");
        }
    }

    /// <summary>A path inside the mount.</summary>
    public string Path(string relative) => System.IO.Path.Combine(Mountpoint, relative);

    /// <summary>A path inside the backing directory.</summary>
    public string BackingPath(string relative) => System.IO.Path.Combine(Backing, relative);

    /// <summary>Crashes with nothing kept.</summary>
    public CrashResult Crash(CrashOptions? options = null) => FileSystem.Crash(options);

    /// <summary>Unmounts (or aborts) and removes the temporary directories.</summary>
    public void Dispose()
    {
        FileSystem.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A detached mount still draining: leave the temp directory.
        }
    }
}
