using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Writeback.Cli.Commands.Corpus;

/// <summary>Options of <c>writeback corpus record</c>.</summary>
internal sealed class CorpusRecordSettings : CommandSettings
{
    /// <summary>The corpus folder.</summary>
    [CommandOption("--corpus <DIR>")]
    [Description("The corpus folder (one subfolder with an entry.json per entry). Default: ./corpus, or the nearest corpus/ folder above the current directory.")]
    public string? Corpus { get; init; }

    /// <summary>Entries to record (all when empty).</summary>
    [CommandOption("--only <NAME>")]
    [Description("Record only this entry; repeatable. Default: every entry.")]
    public string[] Only { get; init; } = [];

    /// <summary>Where the traces and manifest go.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Where NAME.trace and manifest.json are written. Default: CORPUS/recorded.")]
    public string? Out { get; init; }

    /// <summary>The time limit of each traced program.</summary>
    [CommandOption("--timeout <SECONDS>")]
    [Description("Kill a traced program and everything it started after this many seconds (the entry then fails). Default 120.")]
    [DefaultValue(120.0)]
    public double TimeoutSeconds { get; init; } = 120;

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        TimeoutSeconds > 0 ? ValidationResult.Success() : ValidationResult.Error("--timeout must be positive.");
}
