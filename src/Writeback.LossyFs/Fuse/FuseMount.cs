using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using static Interop.Libc;

namespace Writeback.LossyFs.Fuse;

/// <summary>
/// Mounting, aborting and unmounting a FUSE connection without libfuse: as root by mount(2) on an
/// opened /dev/fuse; otherwise through fusermount3, which mounts and passes the descriptor back
/// over a socket named by <c>_FUSE_COMMFD</c> (the protocol libfuse's mount_util uses).
/// </summary>
internal static class FuseMount
{
    private const string DevicePath = "/dev/fuse";
    private const string ConnectionsPath = "/sys/fs/fuse/connections";

    /// <summary>Mounts <paramref name="mountpoint"/> and returns the connection's descriptor.</summary>
    public static SafeFileHandle Mount(string mountpoint)
    {
        if (!File.Exists(DevicePath))
        {
            throw new InvalidOperationException($"Cannot mount LossyFs on '{mountpoint}': {DevicePath} does not exist (load the fuse module, or give the container the device).");
        }
        if (Interop.Libc.geteuid() == 0)
        {
            return MountAsRoot(mountpoint);
        }
        string? fusermount = FindFusermount();
        if (fusermount is null)
        {
            throw new InvalidOperationException($"Cannot mount LossyFs on '{mountpoint}': not running as root and fusermount3 is not installed (install the fuse3 package, or run as root).");
        }
        return MountWithFusermount(fusermount, mountpoint);
    }

    private static SafeFileHandle MountAsRoot(string mountpoint)
    {
        int fd = Interop.Libc.OpenAt(AT_FDCWD, DevicePath, O_RDWR | O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new LossyFsException("open", DevicePath, Interop.LastErrno);
        }
        var device = new SafeFileHandle(fd, ownsHandle: true);
        string options = string.Create(CultureInfo.InvariantCulture,
            $"fd={fd},rootmode=40000,user_id=0,group_id=0,default_permissions,allow_other");
        if (Interop.Libc.mount("lossyfs", mountpoint, "fuse.lossyfs", MS_NOSUID | MS_NODEV, options) != 0)
        {
            int errno = Interop.LastErrno;
            device.Dispose();
            throw new LossyFsException("mount(fuse.lossyfs)", mountpoint, errno);
        }
        return device;
    }

    private static string? FindFusermount() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "fusermount3"))
            .FirstOrDefault(File.Exists);

    private static SafeFileHandle MountWithFusermount(string fusermount, string mountpoint)
    {
        (int ours, int theirs) = CreateSocketPair(mountpoint);
        Interop.Libc.fcntl(ours, F_SETFD, FD_CLOEXEC);
        try
        {
            var start = new ProcessStartInfo(fusermount) { UseShellExecute = false };
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add("default_permissions,fsname=lossyfs,subtype=lossyfs");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(mountpoint);
            start.Environment["_FUSE_COMMFD"] = theirs.ToString(CultureInfo.InvariantCulture);
            using Process process = Process.Start(start)!;
            Interop.Libc.close(theirs);
            theirs = -1;
            int fd = ReceiveDescriptor(ours);
            if (!process.WaitForExit(30_000) || process.ExitCode != 0 || fd < 0)
            {
                if (fd >= 0)
                {
                    Interop.Libc.close(fd);
                }
                throw new InvalidOperationException($"fusermount3 could not mount LossyFs on '{mountpoint}' (exit code {(process.HasExited ? process.ExitCode : -1)}).");
            }
            Interop.Libc.fcntl(fd, F_SETFD, FD_CLOEXEC);
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            Interop.Libc.close(ours);
            if (theirs >= 0)
            {
                Interop.Libc.close(theirs);
            }
        }
    }

    /// <summary>socketpair(AF_UNIX, SOCK_STREAM): fusermount3's end and ours, or a <see cref="LossyFsException"/> naming the mount point.</summary>
    private static (int Ours, int Theirs) CreateSocketPair(string mountpoint)
    {
        int result, first, second;
        // Safety: pair is stack memory of exactly the two ints socketpair(2) writes, read only within this block.
        unsafe
        {
            int* pair = stackalloc int[2];
            result = Interop.Libc.socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
            (first, second) = (pair[0], pair[1]);
        }
        if (result != 0)
        {
            throw new LossyFsException("socketpair", mountpoint, Interop.LastErrno);
        }
        return (first, second);
    }

    /// <summary>Receives one descriptor sent with SCM_RIGHTS over <paramref name="socket"/>; -1 if none came.</summary>
    private static int ReceiveDescriptor(int socket)
    {
        var control = default(Interop.CmsgWithFd);
        nint count;
        // Safety: every pointer in message refers to a local of this frame (data, vector, control) that
        // outlives the call, and the lengths passed are those locals' sizes (1 byte of data, one
        // CmsgWithFd of control), so recvmsg(2) writes only within them and keeps no pointer after it returns.
        unsafe
        {
            byte data;
            var vector = new Interop.IoVec { iov_base = &data, iov_len = 1 };
            var message = new Interop.MsgHdr
            {
                msg_iov = &vector,
                msg_iovlen = 1,
                msg_control = &control,
                msg_controllen = (nuint)sizeof(Interop.CmsgWithFd),
            };
            count = Interop.Libc.RecvMsg(socket, &message, 0);
        }
        if (count <= 0 || control.cmsg_level != SOL_SOCKET || control.cmsg_type != SCM_RIGHTS)
        {
            return -1;
        }
        return control.fd;
    }

    /// <summary>
    /// The FUSE connection id of a mount: its device number as fusectl names it (MKDEV(major, minor)
    /// with the kernel's 20-bit minor), read from /proc/self/mountinfo so the mount itself is not touched.
    /// </summary>
    public static uint? ConnectionId(string mountpoint)
    {
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            string[] fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == mountpoint && line.Contains(" - fuse", StringComparison.Ordinal))
            {
                string[] device = fields[2].Split(':');
                uint major = uint.Parse(device[0], CultureInfo.InvariantCulture);
                uint minor = uint.Parse(device[1], CultureInfo.InvariantCulture);
                return (major << 20) | minor;
            }
        }
        return null;
    }

    /// <summary>Whether a FUSE file system is mounted at <paramref name="mountpoint"/>.</summary>
    public static bool IsMounted(string mountpoint) => ConnectionId(mountpoint) is not null;

    /// <summary>
    /// Whether a FUSE mount at <paramref name="mountpoint"/> has lost its server: the kernel aborts
    /// the connection when the last descriptor of /dev/fuse closes (the server was killed), and
    /// from then on every access answers ENOTCONN. A server that is alive answers the statx (or
    /// keeps it waiting, which is not reported as dead). AT_STATX_FORCE_SYNC makes the kernel ask the
    /// server: attributes it still caches (LossyFs gives them a 60 s lifetime) would hide the abort.
    /// </summary>
    public static bool IsDead(string mountpoint)
    {
        if (!IsMounted(mountpoint))
        {
            return false;
        }
        Task<int> probe = Task.Factory.StartNew(
            () => Interop.Libc.statx(AT_FDCWD, mountpoint, AT_SYMLINK_NOFOLLOW | AT_STATX_FORCE_SYNC, STATX_BASIC_STATS, out _) == 0 ? 0 : Interop.LastErrno,
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return probe.Wait(TimeSpan.FromSeconds(2)) && probe.Result == Errno.ENOTCONN;
    }

    /// <summary>Aborts the mount's connection (when fusectl allows) and detaches it lazily: the way out of a dead mount.</summary>
    public static int Detach(string mountpoint)
    {
        if (ConnectionId(mountpoint) is { } connectionId && connectionId != 0)
        {
            try
            {
                Abort(connectionId);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Not allowed (no root) or already gone: the detach below is what matters.
            }
        }
        return Unmount(mountpoint, detach: true);
    }

    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
             .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);

    /// <summary>
    /// Aborts the connection through fusectl (mounting it when needed): the kernel fails every
    /// pending and later request and drops the dirty pages it still held for the mount.
    /// </summary>
    public static void Abort(uint connectionId)
    {
        string abortPath = Path.Combine(ConnectionsPath, connectionId.ToString(CultureInfo.InvariantCulture), "abort");
        if (!File.Exists(abortPath) && Directory.Exists(ConnectionsPath))
        {
            // fusectl is not mounted in every container; mounting it needs root.
            Interop.Libc.mount("fusectl", ConnectionsPath, "fusectl", 0, null);
        }
        File.WriteAllText(abortPath, "1");
    }

    /// <summary>
    /// Waits until the connection has no request in flight (fusectl's <c>waiting</c> count is 0), or
    /// the timeout passes. FUSE ends page writeback before the WRITE is answered, so syncfs(2) can
    /// return while WRITEs are still queued; an abort then would drop them.
    /// </summary>
    public static void WaitIdle(uint connectionId, TimeSpan timeout)
    {
        string waitingPath = Path.Combine(ConnectionsPath, connectionId.ToString(CultureInfo.InvariantCulture), "waiting");
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (File.ReadAllText(waitingPath).Trim() == "0")
                {
                    return;
                }
            }
            catch (IOException)
            {
                return;
            }
            Thread.Sleep(10);
        }
    }

    /// <summary>umount2(2), or fusermount3 -u when not root. Returns 0 or errno.</summary>
    public static int Unmount(string mountpoint, bool detach)
    {
        if (Interop.Libc.geteuid() != 0 && FindFusermount() is { } fusermount)
        {
            var start = new ProcessStartInfo(fusermount) { UseShellExecute = false };
            start.ArgumentList.Add(detach ? "-uz" : "-u");
            start.ArgumentList.Add(mountpoint);
            using Process process = Process.Start(start)!;
            return process.WaitForExit(30_000) && process.ExitCode == 0 ? 0 : Errno.EIO;
        }
        return Interop.Libc.umount2(mountpoint, detach ? MNT_DETACH : 0) == 0 ? 0 : Interop.LastErrno;
    }
}
