using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary>
/// <c>writeback lossyfs mount --backing DIR MOUNTPOINT</c>: serves the mount until it is unmounted
/// (Ctrl+C unmounts cleanly). With <c>--daemon</c> it re-executes itself under setsid (.NET cannot
/// fork) and returns once the new process answers on the mount's control socket.
/// </summary>
internal sealed class LossyFsMountCommand : AsyncCommand<LossyFsMountSettings>
{
    private static readonly TimeSpan s_daemonStartTimeout = TimeSpan.FromSeconds(30);

    private readonly IAnsiConsole _console;

    /// <summary>Creates the command; Spectre.Console.Cli passes the application's console.</summary>
    public LossyFsMountCommand(IAnsiConsole console) => _console = console;

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, LossyFsMountSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!Directory.Exists(settings.Backing))
        {
            _console.MarkupLineInterpolated($"[red]lossyfs mount:[/] backing directory '{settings.Backing}' does not exist.");
            return LossyFsCommands.Usage;
        }
        if (!Directory.Exists(settings.Mountpoint))
        {
            _console.MarkupLineInterpolated($"[red]lossyfs mount:[/] mount point '{settings.Mountpoint}' does not exist.");
            return LossyFsCommands.Usage;
        }
        return settings.Daemon ? await StartDaemon(settings, cancellationToken).ConfigureAwait(false) : await Serve(settings, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> Serve(LossyFsMountSettings settings, CancellationToken cancellationToken)
    {
        LossyFileSystem fileSystem;
        try
        {
            fileSystem = LossyFileSystem.Mount(new LossyFsOptions
            {
                BackingDirectory = settings.Backing,
                Mountpoint = settings.Mountpoint,
                NamesDurableImmediately = settings.NamesDurableImmediately,
                ReaderThreadCount = settings.Threads,
            });
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or TimeoutException or UnauthorizedAccessException)
        {
            _console.WriteLine($"lossyfs mount: {exception.Message}", new Style(Color.Red));
            return LossyFsCommands.Failure;
        }
        using (fileSystem)
        {
            _console.WriteLine($"LossyFs mounted on {fileSystem.Mountpoint} over {fileSystem.BackingDirectory} (pid {Environment.ProcessId}).");
            try
            {
                await fileSystem.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _console.WriteLine("Unmounting (Ctrl+C)...");
            }
        }
        _console.WriteLine($"LossyFs on {fileSystem.Mountpoint} stopped.");
        return LossyFsCommands.Ok;
    }

    private async Task<int> StartDaemon(LossyFsMountSettings settings, CancellationToken cancellationToken)
    {
        var client = new LossyFsClient(settings.Mountpoint);
        string logPath = Path.ChangeExtension(client.SocketPath, ".log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        // sh redirects the daemon's output to the log and detaches stdin; setsid gives it its own session.
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" >>\"$0\" 2>&1 </dev/null");
        start.ArgumentList.Add(logPath);
        foreach (string argument in SelfCommand())
        {
            start.ArgumentList.Add(argument);
        }
        foreach (string argument in new[] { "lossyfs", "mount", "--backing", Path.GetFullPath(settings.Backing), Path.GetFullPath(settings.Mountpoint), "--threads", settings.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        if (settings.NamesDurableImmediately)
        {
            start.ArgumentList.Add("--names-durable-immediately");
        }
        using var process = Process.Start(start)!;
        var deadline = DateTime.UtcNow + s_daemonStartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (client.IsServing())
            {
                _console.WriteLine($"LossyFs mounted on {client.Mountpoint} in the background (log: {logPath}).");
                return LossyFsCommands.Ok;
            }
            if (process.HasExited && process.ExitCode != 0)
            {
                break;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        string log = File.Exists(logPath) ? string.Join(Environment.NewLine, File.ReadLines(logPath).TakeLast(5)) : "(no log)";
        _console.WriteLine($"lossyfs mount --daemon: the mount did not come up within {s_daemonStartTimeout.TotalSeconds} s. Last log lines:{Environment.NewLine}{log}", new Style(Color.Red));
        return LossyFsCommands.Failure;
    }

    /// <summary>How to run this same program again: the apphost, or dotnet plus the entry assembly.</summary>
    private static IEnumerable<string> SelfCommand()
    {
        string processPath = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown; cannot re-execute for --daemon.");
        yield return processPath;
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            yield return Environment.GetCommandLineArgs()[0];
        }
    }
}
