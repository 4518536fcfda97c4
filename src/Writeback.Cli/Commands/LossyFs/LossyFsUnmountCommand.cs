using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary><c>writeback lossyfs unmount MOUNTPOINT</c>: a clean unmount through the mount's control socket.</summary>
internal sealed class LossyFsUnmountCommand : Command<LossyFsMountpointSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, LossyFsMountpointSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            new LossyFsClient(settings.Mountpoint).Unmount();
            Console.WriteLine($"Unmounted {settings.Mountpoint}; everything held is durable in the backing directory.");
            return LossyFsCommands.Ok;
        }
        catch (IOException exception)
        {
            Console.Error.WriteLine($"lossyfs unmount: {exception.Message}");
            return LossyFsCommands.Failure;
        }
    }
}
