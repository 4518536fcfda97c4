using System.Text.Json.Nodes;
using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary><c>writeback lossyfs crash MOUNTPOINT</c>: a simulated power cut; the backing directory becomes the post-crash image.</summary>
internal sealed class LossyFsCrashCommand : OutputCommand<LossyFsCrashSettings>
{
    /// <summary>Creates the command.</summary>
    /// <param name="output">Where it writes.</param>
    public LossyFsCrashCommand(CliOutput output)
        : base(output)
    {
    }

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
        CrashResult result = new LossyFsClient(settings.Mountpoint).Crash(options);
        if (settings.Json)
        {
            LossyFsSettings.WriteJson(Output, new JsonObject
            {
                ["mountpoint"] = Path.GetFullPath(settings.Mountpoint),
                ["keep"] = settings.Keep,
                ["seed"] = result.Seed,
                ["atomicWriteBytes"] = settings.AtomicWriteBytes,
                ["droppedBytes"] = result.DroppedBytes,
                ["keptBytes"] = result.KeptBytes,
                ["fileCount"] = result.FileCount,
            });
            return LossyFsCommands.Ok;
        }
        string counts = result.FileCount < 0
            ? "the server ended before reporting the byte counts"
            : $"{result.DroppedBytes} unsynced bytes lost, {result.KeptBytes} kept, in {result.FileCount} file(s)";
        LossyFsSettings.WriteLine(Output, $"Crashed {settings.Mountpoint}: {counts}; keep={settings.Keep} seed={result.Seed} atomic-write-bytes={settings.AtomicWriteBytes}.");
        LossyFsSettings.WriteLine(Output, $"Warning: {settings.Mountpoint} is now the bare directory under the mount: a program still writing there writes to that file system, not to the backing directory.");
        return LossyFsCommands.Ok;
    }
}
