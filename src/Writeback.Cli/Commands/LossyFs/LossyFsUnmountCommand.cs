using System.Text.Json.Nodes;
using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary>
/// <c>writeback lossyfs unmount MOUNTPOINT</c>: a clean unmount through the mount's control socket;
/// a dead mount (its server is gone) is detached lazily instead.
/// </summary>
internal sealed class LossyFsUnmountCommand : OutputCommand<LossyFsMountpointSettings>
{
    /// <summary>Creates the command.</summary>
    /// <param name="output">Where it writes.</param>
    public LossyFsUnmountCommand(CliOutput output)
        : base(output)
    {
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, LossyFsMountpointSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var client = new LossyFsClient(settings.Mountpoint);
        if (client.CrashedAndGone())
        {
            // A crash already ended the mount (and detached it): nothing left to unmount.
            client.ForgetCrash();
            if (settings.Json)
            {
                LossyFsSettings.WriteJson(Output, new JsonObject { ["mountpoint"] = client.Mountpoint, ["clean"] = false, ["clearedDeadMount"] = false, ["alreadyGone"] = true });
            }
            else
            {
                LossyFsSettings.WriteLine(Output, $"The mount at {settings.Mountpoint} is already gone: 'lossyfs crash' ended it; nothing to unmount.");
            }
            return LossyFsCommands.Ok;
        }
        bool wasDead = client.Unmount();
        if (settings.Json)
        {
            LossyFsSettings.WriteJson(Output, new JsonObject { ["mountpoint"] = client.Mountpoint, ["clean"] = !wasDead, ["clearedDeadMount"] = wasDead });
        }
        else
        {
            LossyFsSettings.WriteLine(Output, wasDead
                ? $"Cleared the dead mount at {settings.Mountpoint} (its server was gone; what it held was lost, as in a crash)."
                : $"Unmounted {settings.Mountpoint}; everything held is durable in the backing directory.");
        }
        return LossyFsCommands.Ok;
    }
}
