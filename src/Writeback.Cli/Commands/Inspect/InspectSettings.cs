using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Inspect;

/// <summary>Options of <c>writeback inspect</c>.</summary>
internal sealed class InspectSettings : JsonSettings
{
    /// <summary>The file to inspect.</summary>
    [CommandArgument(0, "<FILE>")]
    [Description("The file whose page-cache state to show. It is mapped read-only; nothing is read or written.")]
    public string File { get; init; } = "";

    /// <summary>Start of the range, in bytes.</summary>
    [CommandOption("--offset <BYTES>")]
    [Description("Start of the range to inspect, in bytes (rounded down to a page).")]
    [DefaultValue(0L)]
    public long OffsetBytes { get; init; }

    /// <summary>Length of the range, in bytes; null means to the end of the file.</summary>
    [CommandOption("--length <BYTES>")]
    [Description("Length of the range to inspect, in bytes. Default: to the end of the file.")]
    public long? LengthBytes { get; init; }

    /// <summary>Refresh until Ctrl+C.</summary>
    [CommandOption("-w|--watch")]
    [Description("Keep refreshing the numbers and the map until Ctrl+C. With --json, writes one JSON document per line per refresh.")]
    public bool Watch { get; init; }

    /// <summary>Refresh interval for <see cref="Watch"/>.</summary>
    [CommandOption("--interval-ms <MS>")]
    [Description("Milliseconds between refreshes with --watch.")]
    [DefaultValue(500)]
    public int IntervalMs { get; init; } = 500;

    /// <summary>Stop watching after this many refreshes (for scripts and tests).</summary>
    [CommandOption("--count <N>")]
    [Description("With --watch, stop after N refreshes instead of waiting for Ctrl+C. Default: no limit.")]
    public int? RefreshCount { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (OffsetBytes < 0)
        {
            return ValidationResult.Error($"--offset must be zero or more, not {OffsetBytes}.");
        }

        if (LengthBytes < 0)
        {
            return ValidationResult.Error($"--length must be zero or more, not {LengthBytes}.");
        }

        if (IntervalMs is < 10 or > 3_600_000)
        {
            return ValidationResult.Error($"--interval-ms must be between 10 and 3600000, not {IntervalMs}.");
        }

        if (RefreshCount is < 1)
        {
            return ValidationResult.Error($"--count must be 1 or more, not {RefreshCount}.");
        }

        if (RefreshCount is not null && !Watch)
        {
            return ValidationResult.Error("--count counts the refreshes of --watch: give it with --watch.");
        }

        return ValidationResult.Success();
    }
}
