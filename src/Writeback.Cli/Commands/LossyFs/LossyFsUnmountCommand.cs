using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary><c>writeback lossyfs unmount MOUNTPOINT</c>: a clean unmount through the mount's control socket.</summary>
internal sealed class LossyFsUnmountCommand : Command<LossyFsMountpointSettings>
{
    private readonly IAnsiConsole _console;

    /// <summary>Creates the command; Spectre.Console.Cli passes the application's console.</summary>
    public LossyFsUnmountCommand(IAnsiConsole console) => _console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, LossyFsMountpointSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            new LossyFsClient(settings.Mountpoint).Unmount();
            _console.WriteLine($"Unmounted {settings.Mountpoint}; everything held is durable in the backing directory.");
            return LossyFsCommands.Ok;
        }
        catch (IOException exception)
        {
            _console.WriteLine($"lossyfs unmount: {exception.Message}", new Style(Color.Red));
            return LossyFsCommands.Failure;
        }
    }
}
