using System.Text.Json;

namespace Writeback.Simulation.Kernel;

/// <summary>
/// Reads and checks a model file (JSON; <c>model.schema.json</c> beside the built-in models describes it).
/// Every error is a <see cref="ModelFileException"/> naming the file, the JSON path and what is allowed.
/// </summary>
internal static partial class ModelFile
{
    private static readonly string[] TopKeys = ["$schema", "name", "description", "calls", "names"];
    private static readonly string[] EffectKeys = ["covers", "data", "length", "startsIo", "names"];
    private static readonly string[] NameKeys = ["directoryFsyncRequired", "fileFsyncPersistsName", "replacingRenamePersistsData", "unsyncedChangesPersistInOrder"];

    /// <summary>The JSON name of a call: the member name with a lower-case first letter.</summary>
    public static string JsonName(ModelCall call) => char.ToLowerInvariant(call.ToString()[0]) + call.ToString()[1..];

    public static string JsonName(DurabilityLevel level) => level switch
    {
        DurabilityLevel.None => "none",
        DurabilityLevel.DeviceCache => "deviceCache",
        _ => "stable",
    };

    public static string JsonName(CallCoverage coverage) => coverage == CallCoverage.Range ? "range" : "wholeFile";

    private static readonly string LevelNames = string.Join(", ", Enum.GetValues<DurabilityLevel>().Select(JsonName));
    private static readonly string CallNames = string.Join(", ", Enum.GetValues<ModelCall>().Select(JsonName));

    /// <summary>Parses and checks a model file's text.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">The file's name, for messages.</param>
    /// <returns>The model.</returns>
    public static KernelModel Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new ModelFileException(source, "$", $"not JSON: {e.Message.Split('.')[0]} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}); "
                                                       + "a model file is one JSON object (see model.schema.json)");
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            RequireObject(root, source, "$");
            CheckKeys(root, source, "$", TopKeys);
            string name = RequiredString(root, source, "name");
            string description = root.TryGetProperty("description", out JsonElement d) ? String(d, source, "$.description") : "";
            JsonElement calls = Required(root, source, "$", "calls");
            RequireObject(calls, source, "$.calls");
            CheckKeys(calls, source, "$.calls", [.. Enum.GetValues<ModelCall>().Select(JsonName)]);
            var effects = new Dictionary<ModelCall, CallEffect>();
            foreach (ModelCall call in Enum.GetValues<ModelCall>())
            {
                string path = "$.calls." + JsonName(call);
                if (!calls.TryGetProperty(JsonName(call), out JsonElement effect))
                {
                    throw new ModelFileException(source, "$.calls", $"missing \"{JsonName(call)}\"; a model states every call: {CallNames}");
                }
                effects[call] = Effect(effect, source, path, call);
            }
            NameSemantics names = root.TryGetProperty("names", out JsonElement n) ? Names(n, source) : new NameSemantics();
            return new KernelModel(name, description, effects, names, source);
        }
    }

    private static CallEffect Effect(JsonElement element, string source, string path, ModelCall call)
    {
        RequireObject(element, source, path);
        CheckKeys(element, source, path, EffectKeys);
        DurabilityLevel names = element.TryGetProperty("names", out JsonElement namesElement) ? Level(namesElement, source, path + ".names") : DurabilityLevel.None;
        if (call is ModelCall.DirectoryFsync)
        {
            foreach (JsonProperty property in element.EnumerateObject().Where(p => p.Name != "names"))
            {
                throw new ModelFileException(source, path + "." + property.Name, "a directory fsync states only \"names\" (the level its entries reach)");
            }
            return CallEffect.Nothing with { Names = namesElement.ValueKind == JsonValueKind.Undefined ? throw Missing(source, path, "names") : names };
        }
        if (namesElement.ValueKind != JsonValueKind.Undefined && call != ModelCall.Sync)
        {
            throw new ModelFileException(source, path + ".names", "only \"sync\" and \"directoryFsync\" state \"names\"; a file call's name rules are in $.names");
        }
        CallCoverage covers = element.TryGetProperty("covers", out JsonElement c) ? Coverage(c, source, path + ".covers") : throw Missing(source, path, "covers");
        DurabilityLevel data = element.TryGetProperty("data", out JsonElement dataElement) ? Level(dataElement, source, path + ".data") : throw Missing(source, path, "data");
        DurabilityLevel length = element.TryGetProperty("length", out JsonElement l) ? Level(l, source, path + ".length") : throw Missing(source, path, "length");
        bool startsIo = element.TryGetProperty("startsIo", out JsonElement s) && Boolean(s, source, path + ".startsIo");
        return new CallEffect(covers, data, length, startsIo) { Names = names };
    }

    private static NameSemantics Names(JsonElement element, string source)
    {
        RequireObject(element, source, "$.names");
        CheckKeys(element, source, "$.names", NameKeys);
        bool Flag(string key, bool fallback) => element.TryGetProperty(key, out JsonElement value) ? Boolean(value, source, "$.names." + key) : fallback;
        return new NameSemantics
        {
            DirectoryFsyncRequired = Flag("directoryFsyncRequired", true),
            FileFsyncPersistsName = Flag("fileFsyncPersistsName", false),
            ReplacingRenamePersistsData = Flag("replacingRenamePersistsData", false),
            UnsyncedChangesPersistInOrder = Flag("unsyncedChangesPersistInOrder", true),
        };
    }

    private static ModelFileException Missing(string source, string path, string key) =>
        new(source, path, $"missing \"{key}\"" + key switch
        {
            "covers" => "; allowed: range, wholeFile",
            "names" or "data" or "length" => $"; allowed: {LevelNames}",
            _ => "",
        });

    private static DurabilityLevel Level(JsonElement element, string source, string path) => String(element, source, path) switch
    {
        "none" => DurabilityLevel.None,
        "deviceCache" => DurabilityLevel.DeviceCache,
        "stable" => DurabilityLevel.Stable,
        var other => throw new ModelFileException(source, path, $"unknown level \"{other}\"; allowed: {LevelNames}"),
    };

    private static CallCoverage Coverage(JsonElement element, string source, string path) => String(element, source, path) switch
    {
        "range" => CallCoverage.Range,
        "wholeFile" => CallCoverage.WholeFile,
        var other => throw new ModelFileException(source, path, $"unknown coverage \"{other}\"; allowed: range, wholeFile"),
    };

    private static void CheckKeys(JsonElement element, string source, string path, string[] allowed)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new ModelFileException(source, $"{path}.{property.Name}", $"unknown key; allowed: {string.Join(", ", allowed)}");
            }
        }
    }

    private static JsonElement Required(JsonElement element, string source, string path, string key) =>
        element.TryGetProperty(key, out JsonElement value) ? value : throw Missing(source, path, key);

    private static string RequiredString(JsonElement element, string source, string key) => String(Required(element, source, "$", key), source, "$." + key);

    private static void RequireObject(JsonElement element, string source, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFileException(source, path, $"expected an object, found {Kind(element)}");
        }
    }

    private static string String(JsonElement element, string source, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw new ModelFileException(source, path, $"expected a string, found {Kind(element)}");

    private static bool Boolean(JsonElement element, string source, string path) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new ModelFileException(source, path, $"expected true or false, found {Kind(element)}"),
    };

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{element.GetString()}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => element.GetRawText(),
    };
}
