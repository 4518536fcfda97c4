using System.Text.Json.Nodes;
using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary><c>writeback lossyfs fault MOUNTPOINT --path P --op write|fsync --errno EIO|ENOSPC</c>.</summary>
internal sealed class LossyFsFaultCommand : OutputCommand<LossyFsFaultSettings>
{
    /// <summary>Creates the command.</summary>
    /// <param name="output">Where it writes.</param>
    public LossyFsFaultCommand(CliOutput output)
        : base(output)
    {
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, LossyFsFaultSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var client = new LossyFsClient(settings.Mountpoint);
        if (settings.Clear)
        {
            client.ClearFaults();
            Report(settings, new JsonObject { ["mountpoint"] = client.Mountpoint, ["cleared"] = true }, $"Cleared the faults of {settings.Mountpoint}.");
            return LossyFsCommands.Ok;
        }
        (long Start, long End)? range = settings.Offset is null ? null : LossyFsFaultSettings.TryParseRange(settings.Offset);
        var fault = new FaultSpec
        {
            Path = settings.FilePath!,
            Operation = settings.Operation == "write" ? FaultOperation.Write : FaultOperation.Fsync,
            Errno = settings.Errno == "ENOSPC" ? 28 : 5,
            StartOffsetBytes = range?.Start,
            EndOffsetBytes = range?.End,
            Count = settings.Count,
        };
        client.InjectFault(fault);
        Report(settings, new JsonObject
        {
            ["mountpoint"] = client.Mountpoint,
            ["path"] = fault.Path,
            ["op"] = settings.Operation,
            ["errno"] = settings.Errno,
            ["startOffsetBytes"] = fault.StartOffsetBytes,
            ["endOffsetBytes"] = fault.EndOffsetBytes,
            ["count"] = fault.Count,
        }, $"Armed: {settings.Operation} on {settings.FilePath} fails with {settings.Errno}{(settings.Count is { } count ? $" {count} time(s)" : "")}.");
        return LossyFsCommands.Ok;
    }

    private void Report(LossyFsFaultSettings settings, JsonObject json, string text)
    {
        if (settings.Json)
        {
            LossyFsSettings.WriteJson(Output, json);
        }
        else
        {
            LossyFsSettings.WriteLine(Output, text);
        }
    }
}
