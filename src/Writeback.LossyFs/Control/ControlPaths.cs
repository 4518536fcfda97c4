using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Writeback.LossyFs.Volatile;
using static Interop.Libc;

namespace Writeback.LossyFs.Control;

/// <summary>
/// Where a mount's control socket and daemon log live: one pair per mount point, keyed by a hash
/// of its absolute path, in a directory only the user can write. For a non-root user that is
/// $XDG_RUNTIME_DIR/writeback/lossyfs, or /tmp/writeback-UID/lossyfs; since anyone can create
/// names in /tmp, the directories are created with mode 0700 and, when they already exist,
/// used only if they are real directories (not symbolic links) owned by the user that no group
/// or other user can write. Otherwise another user could plant the directory, or a log symlink
/// that makes the daemon append into a victim's file.
/// </summary>
internal static class ControlPaths
{
    /// <summary>The directory of control sockets: /run/writeback/lossyfs as root, else under XDG_RUNTIME_DIR or /tmp.</summary>
    public static string Directory
    {
        get
        {
            if (Interop.Libc.geteuid() == 0)
            {
                return "/run/writeback/lossyfs";
            }
            string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            return string.IsNullOrEmpty(runtime)
                ? $"/tmp/writeback-{Interop.Libc.geteuid().ToString(CultureInfo.InvariantCulture)}/lossyfs"
                : Path.Combine(runtime, "writeback", "lossyfs");
        }
    }

    /// <summary>The socket path of the mount at <paramref name="mountpoint"/>.</summary>
    public static string SocketFor(string mountpoint)
    {
        string absolute = Path.GetFullPath(mountpoint).TrimEnd('/');
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(absolute.Length == 0 ? "/" : absolute));
        return Path.Combine(Directory, Convert.ToHexStringLower(hash.AsSpan(0, 8)) + ".sock");
    }

    /// <summary>Creates <see cref="Directory"/> (and the per-user parent under /tmp) privately, or checks that it is private.</summary>
    public static string EnsureDirectory()
    {
        string directory = Directory;
        uint uid = Interop.Libc.geteuid();
        string parent = Path.GetDirectoryName(directory)!;
        if (uid != 0 && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR")))
        {
            EnsurePrivate(parent, uid);
        }
        else
        {
            System.IO.Directory.CreateDirectory(parent);
        }
        EnsurePrivate(directory, uid);
        return directory;
    }

    /// <summary>Creates <paramref name="path"/> with mode 0700, or accepts it only when it is a real directory owned by <paramref name="uid"/> that group and others cannot write.</summary>
    public static void EnsurePrivate(string path, uint uid)
    {
        if (Interop.Libc.mkdirat(AT_FDCWD, path, 0x1C0) != 0 && Interop.LastErrno is var errno && errno != Errno.EEXIST)
        {
            throw new LossyFsException("mkdir", path, errno);
        }
        if (Interop.Libc.statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, out Interop.StatxBuffer stat) != 0)
        {
            throw new LossyFsException("statx", path, Interop.LastErrno);
        }
        string? problem = (stat.stx_mode & S_IFMT) != S_IFDIR ? "it is not a directory (a symbolic link?)"
            : stat.stx_uid != uid ? $"it is owned by uid {stat.stx_uid}, not {uid}"
            : (stat.stx_mode & 0x12) != 0 ? $"its mode {Convert.ToString(stat.stx_mode & 0xFFF, 8)} lets other users create names in it"
            : null;
        if (problem is not null)
        {
            throw new IOException($"refusing to keep LossyFs control sockets and logs in '{path}': {problem}; remove it, or set XDG_RUNTIME_DIR to a private directory");
        }
    }

    /// <summary>
    /// The file's device and inode number (without following a symbolic link), or (0, 0) when it
    /// does not exist: a process removes a socket or log only while it is still the one it made,
    /// never the file of a newer mount on the same mount point.
    /// </summary>
    public static (ulong Device, ulong Inode) IdentityOf(string path) =>
        Interop.Libc.statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, out Interop.StatxBuffer stat) == 0
            ? (((ulong)stat.stx_dev_major << 32) | stat.stx_dev_minor, stat.stx_ino)
            : (0, 0);
}
