using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary><c>writeback lossyfs fault MOUNTPOINT --path P --op write|fsync --errno EIO|ENOSPC</c>.</summary>
internal sealed class LossyFsFaultCommand : Command<LossyFsFaultSettings>
{
    private readonly IAnsiConsole _console;

    /// <summary>Creates the command; Spectre.Console.Cli passes the application's console.</summary>
    public LossyFsFaultCommand(IAnsiConsole console) => _console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, LossyFsFaultSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var client = new LossyFsClient(settings.Mountpoint);
        try
        {
            if (settings.Clear)
            {
                client.ClearFaults();
                _console.WriteLine($"Cleared the faults of {settings.Mountpoint}.");
                return LossyFsCommands.Ok;
            }
            var range = settings.Offset is null ? null : LossyFsFaultSettings.TryParseRange(settings.Offset);
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
            _console.WriteLine($"Armed: {settings.Operation} on {settings.FilePath} fails with {settings.Errno}{(settings.Count is { } count ? $" {count} time(s)" : "")}.");
            return LossyFsCommands.Ok;
        }
        catch (IOException exception)
        {
            _console.WriteLine($"lossyfs fault: {exception.Message}", new Style(Color.Red));
            return LossyFsCommands.Failure;
        }
    }
}
