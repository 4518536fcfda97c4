using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Writeback.LossyFs.Control;

/// <summary>
/// Serves a mount's control socket: each connection sends one <see cref="ControlRequest"/> line and
/// receives one <see cref="ControlResponse"/> line. When the mount ends the socket stops accepting
/// and is removed; <see cref="Dispose"/> then waits for the answers still being written, so a
/// process that exits after its mount ended never drops the answer to the crash or unmount that
/// ended it.
/// </summary>
internal sealed class ControlServer : IDisposable
{
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;
    private readonly LossyFileSystem _fileSystem;
    private readonly Action<string> _log;
    private readonly string _path;
    private readonly CountdownEvent _inFlight = new(1);
    private int _stopped;
    private int _disposed;

    private ControlServer(Socket listener, string path, LossyFileSystem fileSystem, Action<string> log)
    {
        _listener = listener;
        _path = path;
        _fileSystem = fileSystem;
        _log = log;
    }

    /// <summary>The socket path.</summary>
    public string SocketPath => _path;

    /// <summary>Binds the socket and starts accepting.</summary>
    public static ControlServer Start(LossyFileSystem fileSystem, Action<string> log)
    {
        string path = ControlPaths.SocketFor(fileSystem.Mountpoint);
        ControlPaths.EnsureDirectory();
        File.Delete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(16);
        var server = new ControlServer(listener, path, fileSystem, log);
        _ = Task.Run(server.AcceptLoop);
        return server;
    }

    private async Task AcceptLoop()
    {
        while (System.Threading.Volatile.Read(ref _stopped) == 0)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            if (!_inFlight.TryAddCount())
            {
                client.Dispose();
                return;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await Serve(client).ConfigureAwait(false);
                }
                finally
                {
                    _inFlight.Signal();
                }
            });
        }
    }

    private async Task Serve(Socket client)
    {
        using var stream = new NetworkStream(client, ownsSocket: true);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        ControlResponse response;
        try
        {
            string? line = await reader.ReadLineAsync().ConfigureAwait(false);
            var request = line is null ? null : JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlRequest);
            response = request is null ? new ControlResponse(false, "empty request") : Handle(request);
        }
#pragma warning disable CA1031 // Every failure becomes an error answer to the client.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            response = new ControlResponse(false, exception.Message);
        }
        try
        {
            byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(response, ControlJsonContext.Default.ControlResponse);
            await stream.WriteAsync(bytes).ConfigureAwait(false);
            stream.WriteByte((byte)'\n');
        }
        catch (IOException exception)
        {
            _log($"control client went away: {exception.Message}");
        }
    }

    private ControlResponse Handle(ControlRequest request) => request.Command switch
    {
        "status" => new ControlResponse(true, Status: _fileSystem.Status()),
        "crash" => new ControlResponse(true, Crash: _fileSystem.Crash(request.Crash)),
        "fault" when request.Fault is not null => Do(() => _fileSystem.InjectFault(request.Fault)),
        "clear-faults" => Do(_fileSystem.ClearFaults),
        "unmount" => Do(_fileSystem.Unmount),
        _ => new ControlResponse(false, $"unknown command '{request.Command}'"),
    };

    private static ControlResponse Do(Action action)
    {
        action();
        return new ControlResponse(true);
    }

    /// <summary>Stops accepting and removes the socket file; answers already being written still go out.</summary>
    public void StopAccepting()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        _listener.Dispose();
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // Left behind: the next mount on the same point replaces it.
        }
    }

    /// <summary>Stops accepting, then waits (bounded) until every accepted request has been answered.</summary>
    public void Dispose()
    {
        StopAccepting();
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _inFlight.Signal();
        if (!_inFlight.Wait(s_drainTimeout))
        {
            _log($"control answers still pending after {s_drainTimeout.TotalSeconds} s; exiting without them");
        }
    }
}
