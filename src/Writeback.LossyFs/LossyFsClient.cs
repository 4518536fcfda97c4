using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Writeback.LossyFs.Control;

namespace Writeback.LossyFs;

/// <summary>
/// Talks to a LossyFs mount in another process (for example one made by
/// <c>writeback lossyfs mount --daemon</c>) through its control socket.
/// Every call has a timeout; failures throw <see cref="IOException"/> with the reason.
/// </summary>
public sealed class LossyFsClient
{
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

    /// <summary>Whether a LossyFs process answers on the mount point's control socket.</summary>
    public bool IsServing()
    {
        try
        {
            Status();
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>See <see cref="LossyFileSystem.Status"/>.</summary>
    public LossyFsStatus Status() => Send(new ControlRequest("status")).Status!;

    /// <summary>See <see cref="LossyFileSystem.Crash"/>.</summary>
    public CrashResult Crash(CrashOptions? options = null) => Send(new ControlRequest("crash", Crash: options ?? new CrashOptions())).Crash!;

    /// <summary>See <see cref="LossyFileSystem.InjectFault"/>.</summary>
    public void InjectFault(FaultSpec fault) => Send(new ControlRequest("fault", Fault: fault));

    /// <summary>See <see cref="LossyFileSystem.ClearFaults"/>.</summary>
    public void ClearFaults() => Send(new ControlRequest("clear-faults"));

    /// <summary>See <see cref="LossyFileSystem.Unmount"/>.</summary>
    public void Unmount() => Send(new ControlRequest("unmount"));

    private ControlResponse Send(ControlRequest request)
    {
        if (!File.Exists(SocketPath))
        {
            throw new IOException($"No LossyFs mount is served at '{Mountpoint}' (no control socket '{SocketPath}').");
        }
        using var cancellation = new CancellationTokenSource(_timeout);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellation.Token).AsTask().GetAwaiter().GetResult();
            using var stream = new NetworkStream(socket, ownsSocket: false);
            byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(request, ControlJsonContext.Default.ControlRequest);
            stream.WriteAsync(bytes, cancellation.Token).AsTask().GetAwaiter().GetResult();
            stream.WriteByte((byte)'\n');
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string? line = reader.ReadLineAsync(cancellation.Token).AsTask().GetAwaiter().GetResult();
            var response = line is null ? null : JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlResponse);
            if (response is null)
            {
                throw new IOException($"LossyFs at '{Mountpoint}' closed the control socket without answering '{request.Command}'.");
            }
            if (!response.Ok)
            {
                throw new IOException($"LossyFs at '{Mountpoint}': {request.Command} failed: {response.Error}");
            }
            return response;
        }
        catch (SocketException exception)
        {
            throw new IOException($"No LossyFs answers for '{Mountpoint}' (control socket '{SocketPath}'): {exception.Message}", exception);
        }
        catch (OperationCanceledException exception)
        {
            throw new IOException($"LossyFs at '{Mountpoint}' did not answer '{request.Command}' within {_timeout.TotalSeconds} s.", exception);
        }
    }
}
