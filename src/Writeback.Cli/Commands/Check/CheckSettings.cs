using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;

namespace Writeback.Cli.Commands.Check;

/// <summary>Options of <c>writeback check</c>.</summary>
internal sealed class CheckSettings : ExplorationSettings
{
    /// <summary>A user's assembly whose ICrashScenario types to run.</summary>
    [CommandOption("-a|--assembly <PATH.dll>")]
    [Description("Run the ICrashScenario types of this assembly (public, non-abstract, with a parameterless constructor) instead of the bundled examples. It is loaded in its own AssemblyLoadContext; its Writeback and Writeback.Simulation references resolve to writeback's own copies.")]
    public string? AssemblyPath { get; init; }

    /// <summary>Only these scenarios.</summary>
    [CommandOption("--scenario <NAME>")]
    [Description("Run only the scenario with this Name (case-insensitive); repeatable. Default: all.")]
    public string[] Scenarios { get; init; } = [];

    /// <summary>This run's shard, as i/n.</summary>
    [CommandOption("--shard <I/N>")]
    [Description("Run only shard I of N (0-based), e.g. 0/4, to split a long run across CI jobs; the shards together give the full run's results.")]
    public string? Shard { get; init; }

    /// <summary>Parses <see cref="Shard"/>.</summary>
    /// <returns>Index and count; (0, 1) when not given.</returns>
    public (int Index, int Count) ParseShard()
    {
        if (Shard is null)
        {
            return (0, 1);
        }

        string[] parts = Shard.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
        {
            return (index, count);
        }

        throw new UsageException($"check: --shard must be I/N with 0 <= I < N, e.g. 0/4, not '{Shard}'.");
    }
}
