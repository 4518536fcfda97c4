using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.LossyFs;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary><c>writeback lossyfs status MOUNTPOINT</c>: files and byte ranges not yet durable, pending names, memory held.</summary>
internal sealed class LossyFsStatusCommand : OutputCommand<LossyFsMountpointSettings>
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>Creates the command.</summary>
    /// <param name="output">Where it writes.</param>
    public LossyFsStatusCommand(CliOutput output)
        : base(output)
    {
    }

    private IAnsiConsole Console => Output.Console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, LossyFsMountpointSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var status = new LossyFsClient(settings.Mountpoint).Status();
        if (settings.Json)
        {
#pragma warning disable IL2026, IL3050 // The CLI is not trimmed; the status records are plain data.
            Output.StandardOutput.WriteLine(JsonSerializer.Serialize(status, s_json));
            Output.StandardOutput.Flush();
#pragma warning restore IL2026, IL3050
            return LossyFsCommands.Ok;
        }
        Render(status);
        return LossyFsCommands.Ok;
    }

    private void Render(LossyFsStatus status)
    {
        Console.MarkupLineInterpolated($"[bold]{status.Mountpoint}[/] over {status.BackingDirectory}{(status.NamesDurableImmediately ? " (names durable immediately)" : "")}");
        Console.MarkupLineInterpolated($"Unsynced: {status.UnsyncedBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes in {status.Files.Count} file(s); memory held: {status.HeldBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes");
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
            Console.Write(files);
        }
        if (status.PendingNames.Count > 0)
        {
            var names = new Table().AddColumns("directory", "name", "not yet durable");
            foreach (var name in status.PendingNames)
            {
                names.AddRow(Markup.Escape(name.Directory), Markup.Escape(name.Name), name.Change.ToString().ToLowerInvariant());
            }
            Console.Write(names);
        }
        foreach (var fault in status.Faults)
        {
            Console.MarkupLineInterpolated($"fault: {fault.Operation} on {fault.Path} -> errno {fault.Errno}, remaining {(fault.Count?.ToString(CultureInfo.InvariantCulture) ?? "unlimited")}");
        }
    }
}
