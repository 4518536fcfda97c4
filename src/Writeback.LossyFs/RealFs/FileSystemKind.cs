namespace Writeback.LossyFs.RealFs;

/// <summary>The real file systems a crash image can carry.</summary>
public enum FileSystemKind
{
    /// <summary>ext4 (default mount: <c>data=ordered</c>).</summary>
    Ext4,

    /// <summary>XFS.</summary>
    Xfs,

    /// <summary>btrfs.</summary>
    Btrfs,
}

/// <summary>Each file system's tools: how to make it, which type to mount, how to check it read-only.</summary>
public static class FileSystemTools
{
    /// <summary>The name used on the command line and in reports: ext4, xfs, btrfs.</summary>
    public static string Name(FileSystemKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Parses ext4, xfs or btrfs.</summary>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static FileSystemKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "ext4" => FileSystemKind.Ext4,
        "xfs" => FileSystemKind.Xfs,
        "btrfs" => FileSystemKind.Btrfs,
        _ => throw new ArgumentException($"realfs: unknown file system '{name}' (expected ext4, xfs or btrfs)", nameof(name)),
    };

    /// <summary>The smallest device mkfs accepts, in MiB (xfsprogs 6 refuses under 300 MB, btrfs-progs under about 110 MiB).</summary>
    public static int MinimumSizeMiB(FileSystemKind kind) => kind switch
    {
        FileSystemKind.Xfs => 300,
        FileSystemKind.Btrfs => 128,
        _ => 8,
    };

    /// <summary>The mkfs program.</summary>
    public static string MkfsProgram(FileSystemKind kind) => kind switch
    {
        FileSystemKind.Ext4 => "mkfs.ext4",
        FileSystemKind.Xfs => "mkfs.xfs",
        _ => "mkfs.btrfs",
    };

    /// <summary>mkfs's arguments for an image file: forced, quiet, without discarding (the log would only see zeroed ranges).</summary>
    public static IReadOnlyList<string> MkfsArguments(FileSystemKind kind, string extraOptions, string imagePath)
    {
        List<string> arguments = kind switch
        {
            FileSystemKind.Ext4 => new List<string> { "-F", "-q", "-E", "nodiscard" },
            _ => ["-f", "-q", "-K"],
        };
        arguments.AddRange(extraOptions.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        arguments.Add(imagePath);
        return arguments;
    }

    /// <summary>
    /// Mount options: the user's, else the default (ext4: <c>data=ordered</c>, and <c>noinit_itable</c>
    /// so the lazy inode-table initialiser does not write in the background during the run).
    /// </summary>
    public static string MountOptions(FileSystemKind kind, string? userOptions) =>
        !string.IsNullOrWhiteSpace(userOptions) ? userOptions
        : kind == FileSystemKind.Ext4 ? "data=ordered,noinit_itable" : "defaults";

    /// <summary>The read-only check of a device: program and arguments (exit 0 = clean).</summary>
    public static (string Program, string[] Arguments) Fsck(FileSystemKind kind, string device) => kind switch
    {
        FileSystemKind.Ext4 => ("e2fsck", ["-f", "-n", device]),
        FileSystemKind.Xfs => ("xfs_repair", ["-n", device]),
        _ => ("btrfs", ["check", "--readonly", device]),
    };

    /// <summary>Why this file system cannot be used here, or null when its tools and loop devices are present.</summary>
    public static string? MissingReason(FileSystemKind kind)
    {
        if (!File.Exists("/dev/loop-control"))
        {
            return "loop devices are missing (/dev/loop-control does not exist)";
        }
        if (!File.Exists("/dev/fuse"))
        {
            return "/dev/fuse does not exist";
        }
        if (Environment.UserName != "root" && Interop.Libc.geteuid() != 0)
        {
            return "losetup and mount need root";
        }
        foreach (string? tool in new[] { "losetup", "mount", "umount", MkfsProgram(kind), Fsck(kind, "").Program })
        {
            if (!ExternalCommand.Exists(tool))
            {
                return $"{tool} is not installed";
            }
        }
        return null;
    }
}
