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

    /// <summary>Longest request line accepted (a request is a few hundred bytes).</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>How long a client may take to send its request line.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    // Strict UTF-8: no byte-order mark is sniffed (the bytes are decoded as given), invalid bytes are an error.
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Cancelled when the mount ends: requests not yet read are dropped, so an idle client never keeps the process alive.
    private readonly CancellationTokenSource _stopping = new();
    private (ulong Device, ulong Inode) _socketIdentity;

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

    /// <summary>Whether the socket still accepts connections.</summary>
    public bool IsAccepting => System.Threading.Volatile.Read(ref _stopped) == 0;

    /// <summary>Binds the socket and starts accepting.</summary>
    public static ControlServer Start(LossyFileSystem fileSystem, Action<string> log)
    {
        string path = ControlPaths.SocketFor(fileSystem.Mountpoint);
        ControlPaths.EnsureDirectory();
        File.Delete(path);
        File.Delete(Path.ChangeExtension(path, ".crashed")); // a crash of an earlier mount here is history now
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(16);
        var server = new ControlServer(listener, path, fileSystem, log) { _socketIdentity = ControlPaths.IdentityOf(path) };
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
        ControlResponse response;
        try
        {
            (string? line, string? problem) = await ReadRequestLine(stream).ConfigureAwait(false);
            if (problem is not null)
            {
                response = new ControlResponse(false, problem);
                if (_stopping.IsCancellationRequested)
                {
                    return; // the mount ended before this client said anything: nothing to answer
                }
            }
            else
            {
                ControlRequest? request = JsonSerializer.Deserialize(line!, ControlJsonContext.Default.ControlRequest);
                response = request is null ? new ControlResponse(false, "malformed request: not a JSON object") : Handle(request);
            }
        }
        catch (JsonException exception)
        {
            response = new ControlResponse(false, OneLine($"malformed request at {exception.Path ?? "$"}: {exception.Message}"));
        }
#pragma warning disable CA1031 // Every failure becomes an error answer to the client.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            response = new ControlResponse(false, OneLine($"{exception.GetType().Name}: {exception.Message}"));
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

    /// <summary>
    /// Reads one request line: at most <see cref="MaxRequestBytes"/>, within <see cref="RequestTimeout"/>,
    /// decoded as strict UTF-8. Returns the line, or null and the reason it was refused.
    /// </summary>
    private async Task<(string? Line, string? Problem)> ReadRequestLine(NetworkStream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(RequestTimeout);
        byte[] buffer = new byte[MaxRequestBytes + 1];
        int lengthBytes = 0;
        try
        {
            while (true)
            {
                int newline = Array.IndexOf(buffer, (byte)'\n', 0, lengthBytes);
                if (newline >= 0)
                {
                    lengthBytes = newline;
                    break;
                }
                if (lengthBytes > MaxRequestBytes)
                {
                    return (null, $"request line longer than {MaxRequestBytes} bytes");
                }
                int read = await stream.ReadAsync(buffer.AsMemory(lengthBytes), timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break; // end of stream: the line is what came
                }
                lengthBytes += read;
            }
        }
        catch (OperationCanceledException)
        {
            return (null, _stopping.IsCancellationRequested ? "the mount ended" : $"no complete request line within {RequestTimeout.TotalSeconds} s");
        }
        if (lengthBytes == 0)
        {
            return (null, "empty request");
        }
        try
        {
            return (s_strictUtf8.GetString(buffer, 0, lengthBytes).TrimEnd('\r'), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "request is not valid UTF-8");
        }
    }

    private ControlResponse Handle(ControlRequest request)
    {
        if (request.Command is null)
        {
            return new ControlResponse(false, "field 'command' is missing");
        }
        if (request.Command == "crash" && RequestValidation.CheckCrash(request.Crash) is { } crashProblem)
        {
            return new ControlResponse(false, crashProblem);
        }
        if (request.Command == "fault" && RequestValidation.CheckFault(request.Fault) is { } faultProblem)
        {
            return new ControlResponse(false, faultProblem);
        }
        return request.Command switch
        {
            "status" => new ControlResponse(true, Status: _fileSystem.Status()),
            "crash" => new ControlResponse(true, Crash: _fileSystem.Crash(request.Crash)),
            "fault" => Do(() => _fileSystem.InjectFault(request.Fault!)),
            "clear-faults" => Do(_fileSystem.ClearFaults),
            "unmount" => Do(_fileSystem.Unmount),
            _ => new ControlResponse(false, OneLine($"field 'command' is not a command: '{request.Command}' (status, crash, fault, clear-faults, unmount)")),
        };
    }

    /// <summary>Control characters (a newline would end the answer line) shown escaped.</summary>
    private static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char character in text)
        {
            builder.Append(char.IsControl(character) ? $"\\u{(int)character:x4}" : character.ToString());
        }
        return builder.ToString();
    }

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
        _stopping.Cancel();
        _listener.Dispose();
        // Only our own socket: a new mount on the same point may have bound a new one meanwhile.
        if (ControlPaths.IdentityOf(_path) == _socketIdentity)
        {
            try
            {
                File.Delete(_path);
            }
            catch (IOException)
            {
                // Left behind: the next mount on the same point replaces it.
            }
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
