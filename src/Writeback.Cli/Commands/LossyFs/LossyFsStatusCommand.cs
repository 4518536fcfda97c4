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
        LossyFsStatus status = new LossyFsClient(settings.Mountpoint).Status();
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
        Console.MarkupLineInterpolated($"[bold]{Printable(status.Mountpoint)}[/] over {Printable(status.BackingDirectory)}{(status.NamesDurableImmediately ? " (names durable immediately)" : "")}");
        Console.MarkupLineInterpolated($"Unsynced: {status.UnsyncedBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes in {status.Files.Count} file(s); memory held: {status.HeldBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        if (status.Files.Count > 0)
        {
            Table files = new Table().AddColumns("file", "length (visible)", "length (durable)", "unsynced ranges");
            foreach (UnsyncedFile file in status.Files)
            {
                string ranges = string.Join(", ", file.UnsyncedRanges.Take(8).Select(range =>
                    string.Create(CultureInfo.InvariantCulture, $"{range.OffsetBytes}+{range.LengthBytes}")));
                if (file.UnsyncedRanges.Count > 8)
                {
                    ranges += string.Create(CultureInfo.InvariantCulture, $", … ({file.UnsyncedRanges.Count} ranges)");
                }
                files.AddRow(Markup.Escape(Printable(file.Path)), file.VolatileLengthBytes.ToString(CultureInfo.InvariantCulture),
                    file.DurableLengthBytes.ToString(CultureInfo.InvariantCulture), Markup.Escape(ranges));
            }
            Console.Write(files);
        }
        if (status.PendingNames.Count > 0)
        {
            Table names = new Table().AddColumns("directory", "name", "not yet durable");
            foreach (PendingName name in status.PendingNames)
            {
                names.AddRow(Markup.Escape(Printable(name.Directory)), Markup.Escape(Printable(name.Name)), name.Change.ToString().ToLowerInvariant());
            }
            Console.Write(names);
        }
        foreach (FaultSpec fault in status.Faults)
        {
            Console.MarkupLineInterpolated($"fault: {fault.Operation} on {Printable(fault.Path)} -> errno {fault.Errno}, remaining {(fault.Count?.ToString(CultureInfo.InvariantCulture) ?? "unlimited")}");
        }
    }

    /// <summary>
    /// A name as --json writes it: control characters escaped (\n, \t, \u001b, ...) and a backslash
    /// doubled, so no name can move the cursor, clear the screen or fake a line of the report.
    /// </summary>
    internal static string Printable(string text)
    {
        if (!text.Any(character => char.IsControl(character) || character == '\\'))
        {
            return text;
        }
        var builder = new System.Text.StringBuilder(text.Length + 8);
        foreach (char character in text)
        {
            builder.Append(character switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(character) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)character:x4}"),
                _ => character.ToString(),
            });
        }
        return builder.ToString();
    }
}
