using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Writeback.LossyFs.Control;
using Writeback.LossyFs.Fuse;

namespace Writeback.LossyFs;

/// <summary>
/// Talks to a LossyFs mount in another process (for example one made by
/// <c>writeback lossyfs mount --daemon</c>) through its control socket.
/// Every call has a timeout; failures throw <see cref="IOException"/> with the reason. A mount
/// whose server is gone (killed) is recognised and reported as dead; <see cref="Unmount"/> clears it.
/// </summary>
public sealed class LossyFsClient
{
    private static readonly TimeSpan s_goneTimeout = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _timeout;

    /// <summary>Creates a client for the mount at <paramref name="mountpoint"/>.</summary>
    public LossyFsClient(string mountpoint, TimeSpan? timeout = null)
    {
        Mountpoint = Path.GetFullPath(mountpoint).TrimEnd('/');
        SocketPath = ControlPaths.SocketFor(Mountpoint);
        _timeout = timeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>The mount point.</summary>
    public string Mountpoint { get; }

    /// <summary>The control socket's path.</summary>
    public string SocketPath { get; }

    /// <summary>
    /// The log file of a daemon serving <paramref name="mountpoint"/> (next to its control socket,
    /// in the user's private directory, which this call creates or checks).
    /// </summary>
    public static string LogPathFor(string mountpoint)
    {
        ControlPaths.EnsureDirectory();
        return Path.ChangeExtension(ControlPaths.SocketFor(mountpoint), ".log");
    }

    /// <summary>
    /// The device and inode of a file as text (a symbolic link is not followed), or null when it does
    /// not exist. A daemon records its log's identity when it starts and removes the log at exit only
    /// if it is still that file, never the log of a newer daemon on the same mount point.
    /// </summary>
    public static string? FileIdentity(string path)
    {
        (ulong device, ulong inode) = ControlPaths.IdentityOf(path);
        return inode == 0 ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{device}:{inode}");
    }

    /// <summary>Whether a LossyFs process answers on the mount point's control socket.</summary>
    public bool IsServing()
    {
        try
        {
            Send(new ControlRequest("status"));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Whether a FUSE mount sits on the mount point whose server is gone (every access answers ENOTCONN).</summary>
    public bool IsDeadMount() => FuseMount.IsDead(Mountpoint);

    /// <summary>See <see cref="LossyFileSystem.Status"/>.</summary>
    public LossyFsStatus Status() => SendOrExplain(new ControlRequest("status")).Status!;

    /// <summary>
    /// See <see cref="LossyFileSystem.Crash"/>. When the connection is lost before the answer
    /// arrives, the outcome is checked instead of guessed: if the mount is gone the crash happened,
    /// and the result carries -1 for the byte and file counts (unknown).
    /// </summary>
    public CrashResult Crash(CrashOptions? options = null)
    {
        options ??= new CrashOptions();
        CrashResult result;
        try
        {
            result = SendOrExplain(new ControlRequest("crash", Crash: options)).Crash!;
        }
        catch (ControlConnectionLostException) when (WaitUntilUnmounted())
        {
            result = new CrashResult(-1, -1, -1, options.Seed);
        }
        // Remembered next to the socket, so a later unmount knows the mount is gone because of it.
        File.WriteAllText(CrashMarkerPath, DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return result;
    }

    private string CrashMarkerPath => Path.ChangeExtension(SocketPath, ".crashed");

    /// <summary>
    /// Whether the mount was ended by <see cref="Crash"/> through this mount point's control socket
    /// and nothing is mounted there now; <see cref="ForgetCrash"/> clears the record.
    /// </summary>
    public bool CrashedAndGone() => File.Exists(CrashMarkerPath) && !FuseMount.IsMounted(Mountpoint);

    /// <summary>Clears what <see cref="Crash"/> recorded (a new mount clears it too).</summary>
    public void ForgetCrash() => File.Delete(CrashMarkerPath);

    /// <summary>See <see cref="LossyFileSystem.InjectFault"/>.</summary>
    public void InjectFault(FaultSpec fault) => SendOrExplain(new ControlRequest("fault", Fault: fault));

    /// <summary>See <see cref="LossyFileSystem.ClearFaults"/>.</summary>
    public void ClearFaults() => SendOrExplain(new ControlRequest("clear-faults"));

    /// <summary>
    /// See <see cref="LossyFileSystem.Unmount"/>. A dead mount (server gone) is detached lazily
    /// instead (what its server held is lost, as in a crash), and the socket file and daemon log
    /// its server left are removed. Returns true when it cleared a dead
    /// mount, false after a clean unmount. A lost answer is checked: the mount being gone is success.
    /// </summary>
    public bool Unmount()
    {
        try
        {
            Send(new ControlRequest("unmount"));
            return false;
        }
        catch (ControlConnectionLostException) when (WaitUntilUnmounted())
        {
            return false;
        }
        catch (ServerGoneException exception) when (!FuseMount.IsMounted(Mountpoint))
        {
            throw new IOException($"no LossyFs is mounted at '{Mountpoint}'", exception);
        }
        catch (ServerGoneException) when (FuseMount.IsDead(Mountpoint))
        {
            int errno = FuseMount.Detach(Mountpoint);
            if (errno != 0 && FuseMount.IsMounted(Mountpoint))
            {
                throw new LossyFsException("umount2(MNT_DETACH)", Mountpoint, errno);
            }
            // The killed server left its socket file and daemon log behind; its mount has ended.
            File.Delete(SocketPath);
            File.Delete(Path.ChangeExtension(SocketPath, ".log"));
            return true;
        }
    }

    private bool WaitUntilUnmounted()
    {
        DateTime deadline = DateTime.UtcNow + s_goneTimeout;
        while (FuseMount.IsMounted(Mountpoint))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return true;
    }

    /// <summary>Sends; when no server answers, says whether the mount is dead, absent or served by no LossyFs.</summary>
    private ControlResponse SendOrExplain(ControlRequest request)
    {
        try
        {
            return Send(request);
        }
        catch (ServerGoneException exception)
        {
            if (FuseMount.IsDead(Mountpoint))
            {
                throw new IOException($"the LossyFs mount at '{Mountpoint}' is dead: its server is gone and the mount answers ENOTCONN; run 'writeback lossyfs unmount {Mountpoint}' to clear it", exception);
            }
            if (!FuseMount.IsMounted(Mountpoint))
            {
                throw new IOException($"no LossyFs is mounted at '{Mountpoint}'", exception);
            }
            throw;
        }
    }

    private ControlResponse Send(ControlRequest request)
    {
        if (!File.Exists(SocketPath))
        {
            throw new ServerGoneException($"no LossyFs server answers for '{Mountpoint}' (no control socket '{SocketPath}')");
        }
        using var cancellation = new CancellationTokenSource(_timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellation.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (SocketException exception)
        {
            throw new ServerGoneException($"no LossyFs server answers for '{Mountpoint}' (control socket '{SocketPath}': {exception.Message})", exception);
        }
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: false);
            byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(request, ControlJsonContext.Default.ControlRequest);
            stream.WriteAsync(bytes, cancellation.Token).AsTask().GetAwaiter().GetResult();
            stream.WriteByte((byte)'\n');
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string? line = reader.ReadLineAsync(cancellation.Token).AsTask().GetAwaiter().GetResult();
            ControlResponse? response = line is null ? null : JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlResponse);
            if (response is null)
            {
                throw new ControlConnectionLostException($"LossyFs at '{Mountpoint}' closed the control socket without answering '{request.Command}'");
            }
            if (!response.Ok)
            {
                throw new IOException($"{request.Command} of '{Mountpoint}' failed: {response.Error}");
            }
            return response;
        }
        catch (Exception exception) when (exception is SocketException || (exception is IOException && exception is not ControlConnectionLostException && exception.InnerException is SocketException))
        {
            throw new ControlConnectionLostException($"LossyFs at '{Mountpoint}' dropped the control connection during '{request.Command}': {exception.Message}", exception);
        }
        catch (OperationCanceledException exception)
        {
            throw new IOException($"LossyFs at '{Mountpoint}' did not answer '{request.Command}' within {_timeout.TotalSeconds} s", exception);
        }
    }
}
