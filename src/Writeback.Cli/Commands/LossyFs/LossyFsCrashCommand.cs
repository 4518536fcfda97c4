using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary><c>writeback lossyfs crash MOUNTPOINT</c>: a simulated power cut; the backing directory becomes the post-crash image.</summary>
internal sealed class LossyFsCrashCommand : Command<LossyFsCrashSettings>
{
    private readonly IAnsiConsole _console;

    /// <summary>Creates the command; Spectre.Console.Cli passes the application's console.</summary>
    public LossyFsCrashCommand(IAnsiConsole console) => _console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, LossyFsCrashSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new CrashOptions
        {
            Keep = settings.Keep == "random" ? CrashKeep.Random : CrashKeep.None,
            Seed = settings.Seed,
            AtomicWriteBytes = settings.AtomicWriteBytes,
        };
        try
        {
            var result = new LossyFsClient(settings.Mountpoint).Crash(options);
            _console.WriteLine($"Crashed {settings.Mountpoint}: {result.DroppedBytes} unsynced bytes lost, {result.KeptBytes} kept, in {result.FileCount} file(s); keep={settings.Keep} seed={result.Seed} atomic-write-bytes={settings.AtomicWriteBytes}.");
            return LossyFsCommands.Ok;
        }
        catch (IOException exception)
        {
            _console.WriteLine($"lossyfs crash: {exception.Message}", new Style(Color.Red));
            return LossyFsCommands.Failure;
        }
    }
}
