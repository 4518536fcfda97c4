using System.ComponentModel;
using Spectre.Console.Cli;

namespace Writeback.Cli.Output;

/// <summary>Settings every command shares: the <c>--json [FILE]</c> option.</summary>
internal class JsonSettings : CommandSettings
{
    /// <summary>Machine-readable output: to standard output (instead of the tables) or to FILE (as well as them).</summary>
    [CommandOption("--json [FILE]")]
    [Description("Write machine-readable JSON. Without FILE (or with '-') the JSON goes to standard output instead of the tables; with FILE it is written there and the tables are still shown.")]
    public FlagValue<string>? Json { get; init; }

    /// <summary>Whether JSON goes to standard output, replacing the human-readable output.</summary>
    public bool JsonToStandardOutput => JsonOutput.ToStandardOutput(Json);
}
