using System.Text.Json.Serialization;
using System.Text.Json;

namespace Writeback.Simulation.Reports;

/// <summary>Source-generated System.Text.Json metadata for the reports (AOT and trimming safe).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(KernelModelJsonConverter)])]
[JsonSerializable(typeof(CrashReport))]
[JsonSerializable(typeof(DifferentialReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context the reports are written with: the generated options plus relaxed escaping, so
    /// that quotes and apostrophes in checker messages and file names stay readable (<c>'f'</c>, not
    /// <c>\u0027f\u0027</c>). The output is JSON for files and pipes, never embedded in HTML.
    /// </summary>
    public static ReportJsonContext Readable => s_readable ??= new(new JsonSerializerOptions(Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    // Built on first use: a static initialiser here could run before the generated Default's.
    private static ReportJsonContext? s_readable;
}

/// <summary>Writes a <see cref="KernelModel"/> as its name and reads it back with <see cref="KernelModel.TryParse"/>.</summary>
internal sealed class KernelModelJsonConverter : JsonConverter<KernelModel>
{
    public override KernelModel Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? name = reader.GetString();
        return name is not null && KernelModel.TryParse(name, out KernelModel? model)
            ? model
            : throw new JsonException($"Unknown kernel model '{name}'.");
    }

    public override void Write(Utf8JsonWriter writer, KernelModel value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Name);
}

/// <summary>Writes a <see cref="FilePageMap"/> as <c>{"file": "log.bin", "pages": "DDKL"}</c>: one letter per page.</summary>
internal sealed class FilePageMapJsonConverter : JsonConverter<FilePageMap>
{
    public override FilePageMap Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? file = null;
        var fates = new List<PageFate>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string? property = reader.GetString();
            reader.Read();
            if (property == "file")
            {
                file = reader.GetString();
            }
            else if (property == "pages")
            {
                foreach (char letter in reader.GetString() ?? "")
                {
                    fates.Add(letter switch
                    {
                        'D' => PageFate.Durable,
                        'K' => PageFate.Kept,
                        'L' => PageFate.Lost,
                        'T' => PageFate.Torn,
                        _ => throw new JsonException($"Unknown page fate letter '{letter}'."),
                    });
                }
            }
        }
        return new FilePageMap(file ?? throw new JsonException("A page map needs a file name."), fates);
    }

    public override void Write(Utf8JsonWriter writer, FilePageMap value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("file", value.File);
        writer.WriteString("pages", value.ToLetters());
        writer.WriteEndObject();
    }
}
