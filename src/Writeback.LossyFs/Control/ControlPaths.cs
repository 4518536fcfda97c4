using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Writeback.LossyFs.Control;

/// <summary>Where a mount's control socket lives: one per mount point, keyed by a hash of its absolute path.</summary>
internal static class ControlPaths
{
    /// <summary>The directory of control sockets: /run/writeback/lossyfs as root, else under XDG_RUNTIME_DIR or /tmp.</summary>
    public static string Directory
    {
        get
        {
            if (Interop.Sys.GetEUid() == 0)
            {
                return "/run/writeback/lossyfs";
            }
            string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            return string.IsNullOrEmpty(runtime)
                ? $"/tmp/writeback-{Interop.Sys.GetEUid().ToString(CultureInfo.InvariantCulture)}/lossyfs"
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
}
