using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary><c>writeback lossyfs status MOUNTPOINT</c>: files and byte ranges not yet durable, pending names, memory held.</summary>
internal sealed class LossyFsStatusCommand : Command<LossyFsStatusSettings>
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private readonly IAnsiConsole _console;

    /// <summary>Creates the command; Spectre.Console.Cli passes the application's console.</summary>
    public LossyFsStatusCommand(IAnsiConsole console) => _console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, LossyFsStatusSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        LossyFsStatus status;
        try
        {
            status = new LossyFsClient(settings.Mountpoint).Status();
        }
        catch (IOException exception)
        {
            _console.WriteLine($"lossyfs status: {exception.Message}", new Style(Color.Red));
            return LossyFsCommands.Failure;
        }
        if (settings.Json)
        {
#pragma warning disable IL2026, IL3050 // The CLI is not trimmed; the status records are plain data.
            _console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(status, s_json));
#pragma warning restore IL2026, IL3050
            return LossyFsCommands.Ok;
        }
        Render(status);
        return LossyFsCommands.Ok;
    }

    private void Render(LossyFsStatus status)
    {
        _console.MarkupLineInterpolated($"[bold]{status.Mountpoint}[/] over {status.BackingDirectory}{(status.NamesDurableImmediately ? " (names durable immediately)" : "")}");
        _console.MarkupLineInterpolated($"Unsynced: {status.UnsyncedBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes in {status.Files.Count} file(s); memory held: {status.HeldBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        if (status.Files.Count > 0)
        {
            var files = new Table().AddColumns("file", "length (visible)", "length (durable)", "unsynced ranges");
            foreach (var file in status.Files)
            {
                string ranges = string.Join(", ", file.UnsyncedRanges.Take(8).Select(range =>
                    string.Create(CultureInfo.InvariantCulture, $"{range.OffsetBytes}+{range.LengthBytes}")));
                if (file.UnsyncedRanges.Count > 8)
                {
                    ranges += string.Create(CultureInfo.InvariantCulture, $", … ({file.UnsyncedRanges.Count} ranges)");
                }
                files.AddRow(Markup.Escape(file.Path), file.VolatileLengthBytes.ToString(CultureInfo.InvariantCulture),
                    file.DurableLengthBytes.ToString(CultureInfo.InvariantCulture), Markup.Escape(ranges));
            }
            _console.Write(files);
        }
        if (status.PendingNames.Count > 0)
        {
            var names = new Table().AddColumns("directory", "name", "not yet durable");
            foreach (var name in status.PendingNames)
            {
                names.AddRow(Markup.Escape(name.Directory), Markup.Escape(name.Name), name.Change.ToString().ToLowerInvariant());
            }
            _console.Write(names);
        }
        foreach (var fault in status.Faults)
        {
            _console.MarkupLineInterpolated($"fault: {fault.Operation} on {fault.Path} -> errno {fault.Errno}, remaining {(fault.Count?.ToString(CultureInfo.InvariantCulture) ?? "unlimited")}");
        }
    }
}
