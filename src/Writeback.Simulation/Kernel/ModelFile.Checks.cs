using System.Text;

namespace Writeback.Simulation.Kernel;

internal static partial class ModelFile
{
    /// <summary>
    /// Pairs (stronger, weaker) where the first call does at least what the second does: its effect may
    /// not be weaker in coverage, data level, length level or names level.
    /// </summary>
    private static readonly (ModelCall Stronger, ModelCall Weaker, string Why)[] Orderings =
    [
        (ModelCall.MsyncWholeSync, ModelCall.MsyncRangeSync, "a whole-mapping msync covers every range of it"),
        (ModelCall.MsyncWholeAsync, ModelCall.MsyncRangeAsync, "a whole-mapping msync covers every range of it"),
        (ModelCall.Fsync, ModelCall.Fdatasync, "fsync does everything fdatasync does, and the metadata"),
        (ModelCall.Fsync, ModelCall.MsyncWholeSync, "fsync syncs every page of the file, mapped or not"),
        (ModelCall.OSyncWrite, ModelCall.ODsyncWrite, "O_SYNC is O_DSYNC plus the file's metadata"),
        (ModelCall.SyncFileRangeWriteAndWait, ModelCall.SyncFileRangeWrite, "WAIT_AFTER only adds waiting for the writes WRITE starts"),
        (ModelCall.Sync, ModelCall.Fsync, "sync makes every file durable, as an fsync of each would"),
        (ModelCall.Sync, ModelCall.DirectoryFsync, "sync makes every directory durable, as an fsync of each would"),
    ];

    /// <summary>Checks a model's calls and name rules; throws the first problem found.</summary>
    /// <param name="effects">The effect of every call.</param>
    /// <param name="names">The name rules.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="source">The file, or "C# model NAME".</param>
    public static void Check(IReadOnlyDictionary<ModelCall, CallEffect> effects, NameSemantics names, string name, string source)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\' or '"'))
        {
            throw new ModelFileException(source, "$.name", $"\"{name}\" is not a model name; allowed: letters, digits, '_', '-', '.' (no spaces), e.g. \"MyCandidate\"");
        }
        foreach (var call in Enum.GetValues<ModelCall>())
        {
            if (!effects.TryGetValue(call, out var effect) || effect is null)
            {
                throw new ModelFileException(source, "$.calls", $"missing \"{JsonName(call)}\"; a model states every call: {CallNames}");
            }
            var path = "$.calls." + JsonName(call);
            if (call is ModelCall.Fsync or ModelCall.Fdatasync or ModelCall.Sync && effect.Covers != CallCoverage.WholeFile)
            {
                throw new ModelFileException(source, path + ".covers", $"\"range\" contradicts {JsonName(call)}, which has no range; allowed: wholeFile");
            }
            if (effect.Names != DurabilityLevel.None && call is not (ModelCall.Sync or ModelCall.DirectoryFsync))
            {
                throw new ModelFileException(source, path + ".names", "only \"sync\" and \"directoryFsync\" state \"names\"");
            }
        }
        foreach (var (stronger, weaker, why) in Orderings)
        {
            if (WeakerIn(effects[stronger], effects[weaker]) is { } field)
            {
                throw new ModelFileException(source, $"$.calls.{JsonName(stronger)}.{field}",
                    $"{JsonName(stronger)} is weaker than {JsonName(weaker)} ({Value(effects[stronger], field)} < {Value(effects[weaker], field)}), "
                    + $"a contradiction: {why}; allowed: at least {Value(effects[weaker], field)}");
            }
        }
    }

    /// <summary>The first field in which <paramref name="stronger"/> guarantees less than <paramref name="weaker"/>, or null.</summary>
    private static string? WeakerIn(CallEffect stronger, CallEffect weaker) =>
        stronger.Covers < weaker.Covers && weaker.Data != DurabilityLevel.None ? "covers"
        : stronger.Data < weaker.Data ? "data"
        : stronger.Length < weaker.Length ? "length"
        : stronger.Names < weaker.Names ? "names"
        : null;

    private static string Value(CallEffect effect, string field) => field switch
    {
        "covers" => JsonName(effect.Covers),
        "data" => JsonName(effect.Data),
        "length" => JsonName(effect.Length),
        _ => JsonName(effect.Names),
    };

    /// <summary>The model as a model file: every key, in a fixed order, so <c>models show</c> prints a complete starting point.</summary>
    public static string Write(KernelModel model)
    {
        var text = new StringBuilder();
        text.Append("{\n  \"name\": ").Append(Quote(model.Name)).Append(",\n");
        text.Append("  \"description\": ").Append(Quote(model.Description)).Append(",\n");
        text.Append("  \"calls\": {\n");
        var calls = Enum.GetValues<ModelCall>();
        for (var index = 0; index < calls.Length; index++)
        {
            var effect = model.Calls[calls[index]];
            text.Append("    ").Append(Quote(JsonName(calls[index]))).Append(": { ");
            if (calls[index] == ModelCall.DirectoryFsync)
            {
                text.Append("\"names\": ").Append(Quote(JsonName(effect.Names)));
            }
            else
            {
                text.Append("\"covers\": ").Append(Quote(JsonName(effect.Covers)))
                    .Append(", \"data\": ").Append(Quote(JsonName(effect.Data)))
                    .Append(", \"length\": ").Append(Quote(JsonName(effect.Length)));
                text.Append(effect.StartsIo ? ", \"startsIo\": true" : "");
                text.Append(calls[index] == ModelCall.Sync ? ", \"names\": " + Quote(JsonName(effect.Names)) : "");
            }
            text.Append(" }").Append(index < calls.Length - 1 ? ",\n" : "\n");
        }
        text.Append("  },\n  \"names\": {\n");
        text.Append("    \"directoryFsyncRequired\": ").Append(Bool(model.Names.DirectoryFsyncRequired)).Append(",\n");
        text.Append("    \"fileFsyncPersistsName\": ").Append(Bool(model.Names.FileFsyncPersistsName)).Append(",\n");
        text.Append("    \"replacingRenamePersistsData\": ").Append(Bool(model.Names.ReplacingRenamePersistsData)).Append(",\n");
        text.Append("    \"unsyncedChangesPersistInOrder\": ").Append(Bool(model.Names.UnsyncedChangesPersistInOrder)).Append('\n');
        text.Append("  }\n}\n");
        return text.ToString();
    }

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A JSON string literal: quotes, backslashes and control characters escaped, everything else as is.</summary>
    private static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }
}
