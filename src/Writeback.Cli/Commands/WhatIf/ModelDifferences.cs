namespace Writeback.Cli.Commands.WhatIf;

/// <summary>What two models disagree on, in words: the calls whose effect differs and the name rules that differ.</summary>
internal static class ModelDifferences
{
    /// <summary>The model file's name of a call (<c>msyncRangeSync</c>).</summary>
    public static string JsonName(ModelCall call) => char.ToLowerInvariant(call.ToString()[0]) + call.ToString()[1..];

    /// <summary>An effect in words, e.g. <c>range: data stable, length stable</c>.</summary>
    public static string Describe(CallEffect effect) =>
        (effect.Covers == CallCoverage.WholeFile ? "whole file" : "range") + $": data {Level(effect.Data)}, length {Level(effect.Length)}"
        + (effect.Names != DurabilityLevel.None ? $", names {Level(effect.Names)}" : "") + (effect.StartsIo ? ", starts I/O" : "");

    /// <summary>Every difference between <paramref name="baseline"/> and <paramref name="candidate"/>, one line each.</summary>
    public static IReadOnlyList<string> Of(KernelModel baseline, KernelModel candidate)
    {
        var lines = new List<string>();
        foreach (ModelCall call in Enum.GetValues<ModelCall>().Where(c => baseline.EffectOf(c) != candidate.EffectOf(c)))
        {
            lines.Add($"{JsonName(call)}: {Describe(baseline.EffectOf(call))} -> {Describe(candidate.EffectOf(call))}");
        }
        void Rule(string name, bool before, bool after)
        {
            if (before != after)
            {
                lines.Add($"names.{name}: {(before ? "true" : "false")} -> {(after ? "true" : "false")}");
            }
        }
        Rule("directoryFsyncRequired", baseline.Names.DirectoryFsyncRequired, candidate.Names.DirectoryFsyncRequired);
        Rule("fileFsyncPersistsName", baseline.Names.FileFsyncPersistsName, candidate.Names.FileFsyncPersistsName);
        Rule("replacingRenamePersistsData", baseline.Names.ReplacingRenamePersistsData, candidate.Names.ReplacingRenamePersistsData);
        return lines;
    }

    private static string Level(DurabilityLevel level) => level switch
    {
        DurabilityLevel.None => "none",
        DurabilityLevel.DeviceCache => "deviceCache",
        _ => "stable",
    };
}
