using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console.Cli;

namespace Writeback.Cli.Output;

/// <summary>
/// The <c>--json [FILE]</c> option shared by every command: absent means human-readable output
/// only; <c>--json</c> alone (or <c>--json -</c>) writes JSON to standard output instead of the
/// human-readable output; <c>--json FILE</c> writes the JSON to FILE and keeps the human output.
/// </summary>
internal static class JsonOutput
{
    /// <summary>Serializer options for every JSON document the CLI writes: camelCase, indented, enums as names.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Compact options for one-document-per-line output (<c>inspect --watch --json</c>).</summary>
    public static JsonSerializerOptions CompactOptions { get; } = new(Options) { WriteIndented = false };

    /// <summary>Whether the option asks for JSON on standard output.</summary>
    /// <param name="json">The parsed option.</param>
    /// <returns><see langword="true"/> for <c>--json</c> without a file or with <c>-</c>.</returns>
    public static bool ToStandardOutput(FlagValue<string>? json) =>
        json is { IsSet: true } && (string.IsNullOrEmpty(json.Value) || json.Value == "-");

    /// <summary>The file the option names, or <see langword="null"/> when it names none.</summary>
    /// <param name="json">The parsed option.</param>
    /// <returns>The path, or <see langword="null"/>.</returns>
    public static string? FilePath(FlagValue<string>? json) =>
        json is { IsSet: true } && !ToStandardOutput(json) ? json.Value : null;

    /// <summary>Serializes <paramref name="document"/> to JSON text.</summary>
    /// <typeparam name="T">The document's type.</typeparam>
    /// <param name="document">The document.</param>
    /// <param name="indented">Indented (files, single documents) or one line (streams).</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize<T>(T document, bool indented = true) =>
        JsonSerializer.Serialize(document, indented ? Options : CompactOptions);

    /// <summary>Writes <paramref name="document"/> where the option says, if it says anywhere.</summary>
    /// <typeparam name="T">The document's type.</typeparam>
    /// <param name="json">The parsed option.</param>
    /// <param name="output">The command's output.</param>
    /// <param name="document">The document to write.</param>
    public static void Write<T>(FlagValue<string>? json, CliOutput output, T document)
    {
        if (ToStandardOutput(json))
        {
            WriteLine(output, Serialize(document));
        }
        else if (FilePath(json) is { } path)
        {
            WriteFile(path, Serialize(document));
        }
    }

    /// <summary>Writes one JSON line to standard output and flushes it, so a reader of a pipe sees it at once.</summary>
    /// <param name="output">The command's output.</param>
    /// <param name="json">The JSON text.</param>
    public static void WriteLine(CliOutput output, string json)
    {
        output.StandardOutput.WriteLine(json);
        output.StandardOutput.Flush();
    }

    /// <summary>Creates the directory a file is to be written in, if it has one.</summary>
    /// <param name="fullPath">The file's full path.</param>
    public static void CreateDirectoryOf(string fullPath)
    {
        if (Path.GetDirectoryName(fullPath) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
    }

    /// <summary>Writes text to a file, creating its directory, with a clear error on failure.</summary>
    /// <param name="path">The file.</param>
    /// <param name="text">The contents.</param>
    /// <param name="newLine">Whether to end the file with a line break.</param>
    public static void WriteFile(string path, string text, bool newLine = true)
    {
        string full = Path.GetFullPath(path);
        CreateDirectoryOf(full);

        File.WriteAllText(full, newLine ? text + Environment.NewLine : text);
    }
}
