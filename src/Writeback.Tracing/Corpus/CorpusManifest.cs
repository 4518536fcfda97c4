using System.Text.Json;

namespace Writeback.Tracing.Corpus;

/// <summary>Reads and validates corpus entries (corpus/NAME/entry.json); every error names the file and the key.</summary>
public static class CorpusManifest
{
    private static readonly string[] Keys =
        ["name", "engine", "summary", "requires", "checkerRequires", "build", "setup", "version", "run", "checker", "ignore", "promise", "expected", "reasoning"];

    /// <summary>Every entry of a corpus folder (each subfolder holding an entry.json), sorted by name.</summary>
    /// <param name="corpusFolder">The corpus folder.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="InvalidDataException">A manifest is invalid (the message names the file and the key).</exception>
    public static IReadOnlyList<CorpusEntry> LoadAll(string corpusFolder)
    {
        if (!Directory.Exists(corpusFolder))
        {
            throw new DirectoryNotFoundException($"corpus: folder '{corpusFolder}' does not exist");
        }
        return [.. Directory.GetDirectories(Path.GetFullPath(corpusFolder))
            .Where(d => File.Exists(Path.Combine(d, "entry.json")))
            .Order(StringComparer.Ordinal)
            .Select(d => Load(Path.Combine(d, "entry.json")))];
    }

    /// <summary>Reads one entry.json.</summary>
    /// <param name="path">The manifest's path.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="InvalidDataException">The manifest is invalid (the message names the file and the key).</exception>
    public static CorpusEntry Load(string path)
    {
        string full = Path.GetFullPath(path);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(full));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{full}: not JSON: {e.Message}");
        }
        var reader = new Reader(full, root);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!Keys.Contains(property.Name))
            {
                throw new InvalidDataException($"{full}: unknown key '{property.Name}' (allowed: {string.Join(", ", Keys)})");
            }
        }
        var entry = new CorpusEntry
        {
            Name = reader.String("name"),
            Engine = reader.String("engine"),
            Summary = reader.String("summary"),
            Requires = reader.Strings("requires"),
            CheckerRequires = reader.Strings("checkerRequires"),
            Build = reader.OptionalString("build"),
            Setup = reader.OptionalString("setup"),
            Version = reader.OptionalString("version"),
            Run = reader.Strings("run"),
            Checker = reader.String("checker"),
            Ignore = reader.Strings("ignore"),
            PromiseText = reader.Promise("text"),
            PromiseLink = reader.Promise("link"),
            Expected = reader.Expected(),
            Reasoning = reader.String("reasoning"),
            Folder = Path.GetDirectoryName(full)!,
        };
        Validate(full, entry);
        return entry;
    }

    private static void Validate(string path, CorpusEntry entry)
    {
        string folder = Path.GetFileName(entry.Folder);
        if (entry.Name != folder)
        {
            throw new InvalidDataException($"{path}: name '{entry.Name}' differs from its folder '{folder}'");
        }
        if (entry.Name.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            throw new InvalidDataException($"{path}: name '{entry.Name}' may hold only a-z, 0-9 and '-'");
        }
        if (entry.Run.Count == 0)
        {
            throw new InvalidDataException($"{path}: run must name the program (a non-empty array)");
        }
        if (!entry.PromiseLink.StartsWith("https://", StringComparison.Ordinal) && !entry.PromiseLink.StartsWith("http://", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: promise.link '{entry.PromiseLink}' is not an http(s) URL");
        }
        if (!entry.Expected.ContainsKey("Linux3_16Range"))
        {
            throw new InvalidDataException($"{path}: expected.Linux3_16Range is required");
        }
    }

    private sealed class Reader(string path, JsonElement root)
    {
        public string String(string key) => OptionalString(key) is { Length: > 0 } value
            ? value
            : throw new InvalidDataException($"{path}: {key} must be a non-empty string");

        public string? OptionalString(string key)
        {
            if (!root.TryGetProperty(key, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new InvalidDataException($"{path}: {key} must be a string or null");
        }

        public string[] Strings(string key)
        {
            if (!root.TryGetProperty(key, out JsonElement value) || value.ValueKind != JsonValueKind.Array
                || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            {
                throw new InvalidDataException($"{path}: {key} must be an array of strings");
            }
            return [.. value.EnumerateArray().Select(v => v.GetString()!)];
        }

        public string Promise(string key)
        {
            if (!root.TryGetProperty("promise", out JsonElement promise) || promise.ValueKind != JsonValueKind.Object
                || !promise.TryGetProperty(key, out JsonElement value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
            {
                throw new InvalidDataException($"{path}: promise.{key} must be a non-empty string");
            }
            return text;
        }

        public Dictionary<string, IReadOnlyDictionary<CrashKind, bool>> Expected()
        {
            if (!root.TryGetProperty("expected", out JsonElement expected) || expected.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: expected must be an object (model -> crash kind -> \"pass\" or \"fail\")");
            }
            var models = new Dictionary<string, IReadOnlyDictionary<CrashKind, bool>>(StringComparer.Ordinal);
            foreach (JsonProperty model in expected.EnumerateObject())
            {
                models[model.Name] = Verdicts(model);
            }
            return models;
        }

        private Dictionary<CrashKind, bool> Verdicts(JsonProperty model)
        {
            if (model.Value.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: expected.{model.Name} must be an object (crash kind -> \"pass\" or \"fail\")");
            }
            var verdicts = new Dictionary<CrashKind, bool>();
            foreach (JsonProperty kind in model.Value.EnumerateObject())
            {
                if (!Enum.TryParse(kind.Name, ignoreCase: false, out CrashKind crashKind) || !Enum.IsDefined(crashKind))
                {
                    throw new InvalidDataException($"{path}: expected.{model.Name}.{kind.Name}: not a crash kind (allowed: {string.Join(", ", Enum.GetNames<CrashKind>())})");
                }
                verdicts[crashKind] = kind.Value.ValueKind == JsonValueKind.String && kind.Value.GetString() is "pass" or "fail"
                    ? kind.Value.GetString() == "pass"
                    : throw new InvalidDataException($"{path}: expected.{model.Name}.{kind.Name} must be \"pass\" or \"fail\"");
            }
            if (verdicts.Count != Enum.GetValues<CrashKind>().Length)
            {
                throw new InvalidDataException($"{path}: expected.{model.Name} must give every crash kind ({string.Join(", ", Enum.GetNames<CrashKind>())})");
            }
            return verdicts;
        }
    }
}
