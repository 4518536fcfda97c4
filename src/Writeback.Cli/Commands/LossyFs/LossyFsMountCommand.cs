using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary>
/// <c>writeback lossyfs mount --backing DIR MOUNTPOINT</c>: serves the mount until it is unmounted
/// (Ctrl+C unmounts cleanly). With <c>--daemon</c> it re-executes itself under setsid (.NET cannot
/// fork) and returns once the new process answers on the mount's control socket, or at once with
/// the daemon's last log lines when the daemon exits first.
/// </summary>
internal sealed class LossyFsMountCommand : AsyncCommand<LossyFsMountSettings>
{
    private static readonly TimeSpan s_daemonStartTimeout = TimeSpan.FromSeconds(30);

    // Set for the daemon by its parent: the log to remove when the mount has ended normally.
    private const string DaemonLogVariable = "WRITEBACK_LOSSYFS_DAEMON_LOG";

    private readonly CliOutput _output;

    /// <summary>Creates the command.</summary>
    /// <param name="output">Where it writes.</param>
    public LossyFsMountCommand(CliOutput output) => _output = output;

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, LossyFsMountSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!Directory.Exists(settings.Backing))
        {
            throw new UsageException($"lossyfs mount: backing directory '{settings.Backing}' does not exist");
        }
        // A dead mount (server killed) makes the mount point look missing (ENOTCONN); Mount clears it.
        if (!Directory.Exists(settings.Mountpoint) && !new LossyFsClient(settings.Mountpoint).IsDeadMount())
        {
            throw new UsageException($"lossyfs mount: mount point '{settings.Mountpoint}' does not exist");
        }
        return settings.Daemon ? await StartDaemon(settings, cancellationToken).ConfigureAwait(false) : await Serve(settings, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> Serve(LossyFsMountSettings settings, CancellationToken cancellationToken)
    {
        string? log = Environment.GetEnvironmentVariable(DaemonLogVariable) is { Length: > 0 } daemonLog ? daemonLog : null;
        string? logIdentity = log is null ? null : LossyFsClient.FileIdentity(log);
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
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            throw new IOException($"lossyfs mount: {exception.Message}", exception);
        }
        using (fileSystem)
        {
            Report(settings, fileSystem.Mountpoint, fileSystem.BackingDirectory, null, $"LossyFs mounted on {fileSystem.Mountpoint} over {fileSystem.BackingDirectory} (pid {Environment.ProcessId}).");
            try
            {
                await fileSystem.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LossyFsSettings.WriteLine(_output, "Unmounting (Ctrl+C)...");
            }
        }
        if (!settings.Json)
        {
            LossyFsSettings.WriteLine(_output, $"LossyFs on {fileSystem.Mountpoint} stopped.");
        }
        // The mount ended as asked (unmount or crash): its daemon log has nothing left to say.
        // Only its own log: a newer daemon on the same mount point (remounted meanwhile) has a new one.
        if (log is not null && logIdentity is not null && LossyFsClient.FileIdentity(log) == logIdentity)
        {
            File.Delete(log);
        }
        return LossyFsCommands.Ok;
    }

    private async Task<int> StartDaemon(LossyFsMountSettings settings, CancellationToken cancellationToken)
    {
        var client = new LossyFsClient(settings.Mountpoint);
        string logPath = LossyFsClient.LogPathFor(client.Mountpoint);
        // A new file (new inode) for this daemon: an older one still exiting keeps its own and removes only that.
        File.Delete(logPath);
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
        start.Environment[DaemonLogVariable] = logPath;
        using Process process = Process.Start(start)!;
        DateTime deadline = DateTime.UtcNow + s_daemonStartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (client.IsServing())
            {
                Report(settings, client.Mountpoint, Path.GetFullPath(settings.Backing), logPath, $"LossyFs mounted on {client.Mountpoint} in the background (log: {logPath}).");
                return LossyFsCommands.Ok;
            }
            if (process.HasExited)
            {
                break; // setsid does not fork here (the child is no group leader): this is the daemon ending
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
        string reason = process.HasExited ? $"the daemon exited with code {process.ExitCode}" : $"the mount did not come up within {s_daemonStartTimeout.TotalSeconds} s";
        string log = File.Exists(logPath) ? string.Join(" | ", File.ReadLines(logPath).Where(line => line.Length > 0).TakeLast(3)) : "(no log)";
        if (process.HasExited)
        {
            File.Delete(logPath);
        }
        throw new IOException($"lossyfs mount --daemon: {reason}: {log}");
    }

    private void Report(LossyFsMountSettings settings, string mountpoint, string backing, string? logPath, string text)
    {
        if (settings.Json)
        {
            LossyFsSettings.WriteJson(_output, new JsonObject
            {
                ["mountpoint"] = mountpoint,
                ["backing"] = backing,
                ["daemon"] = settings.Daemon,
                ["log"] = logPath,
                ["pid"] = settings.Daemon ? null : Environment.ProcessId,
            });
        }
        else
        {
            LossyFsSettings.WriteLine(_output, text);
        }
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
