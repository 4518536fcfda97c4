using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.WhatIf;

/// <summary>Options of <c>writeback whatif</c>.</summary>
internal sealed class WhatIfSettings : JsonSettings
{
    /// <summary>The semantics programs were written for.</summary>
    [CommandOption("--baseline <MODEL>")]
    [Description("The model the programs were written for: a built-in model's name, the name of a --model-file model, or a model file.")]
    public string? Baseline { get; init; }

    /// <summary>The proposed semantics.</summary>
    [CommandOption("--candidate <MODEL>")]
    [Description("The proposed model: a built-in model's name, the name of a --model-file model, or a model file.")]
    public string? Candidate { get; init; }

    /// <summary>Model files whose names --baseline and --candidate may use.</summary>
    [CommandOption("--model-file <FILE>")]
    [Description("A model file whose model --baseline or --candidate may name; repeatable.")]
    public string[] ModelFiles { get; init; } = [];

    /// <summary>The corpus folder.</summary>
    [CommandOption("--corpus <DIR>")]
    [Description("The corpus: one folder per program with its entry.json (see corpus/README.md). Default: corpus.")]
    [DefaultValue("corpus")]
    public string Corpus { get; init; } = "corpus";

    /// <summary>Where the recorded traces are.</summary>
    [CommandOption("--traces <DIR>")]
    [Description("Where the programs' recorded traces (NAME.trace, from 'writeback corpus record --out DIR') are. Default: the corpus's recorded/ folder.")]
    public string? Traces { get; init; }

    /// <summary>Only these programs.</summary>
    [CommandOption("--only <NAME>")]
    [Description("Replay only this corpus entry; repeatable. Default: every entry.")]
    public string[] Only { get; init; } = [];

    /// <summary>Crash kinds.</summary>
    [CommandOption("-k|--crash-kind <KIND>")]
    [Description("ProcessCrash, KernelCrash or PowerLoss (also process-crash, kernel-crash, power-loss); repeatable. Default: all three.")]
    public string[] CrashKinds { get; init; } = [];

    /// <summary>This run's shard.</summary>
    [CommandOption("--shard <I/N>")]
    [Description("Replay only the programs of shard I of N (0-based, by name order), e.g. 0/4; the shards' programs together are the full run's, with identical results.")]
    public string? Shard { get; init; }

    /// <summary>The exploration seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of the explorer's random sampling. Every report prints it.")]
    [DefaultValue(0UL)]
    public ulong Seed { get; init; }

    /// <summary>The exhaustive limit per crash point.</summary>
    [CommandOption("--max-states <N>")]
    [Description("Crash points with more post-crash states than this are explored bounded + sampled. Default: the explorer's (4096).")]
    public int? MaxStatesPerCrashPoint { get; init; }

    /// <summary>Whether to explore never-covered files' contents in full.</summary>
    [CommandOption("--no-reduce-uncovered")]
    [Description("Explore in full the contents of files no durability call has covered yet, instead of collapsing each to three representatives at each crash point where the checker's verdicts agree across them.")]
    public bool NoReduceUncovered { get; init; }

    /// <summary>The checker's time limit.</summary>
    [CommandOption("--checker-timeout <SECONDS>")]
    [Description("Kill a checker run after this many seconds; that program is then reported as an error. Default 60.")]
    [DefaultValue(60.0)]
    public double CheckerTimeoutSeconds { get; init; } = 60;

    /// <summary>Where to write the HTML report.</summary>
    [CommandOption("--html <FILE>")]
    [Description("Also write a self-contained HTML report to FILE: the program × model matrix, the differential (what breaks only under the candidate and the guarantee relied on), and per failure its diagnosis, timeline, page maps and checker output.")]
    public string? Html { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Baseline is null || Candidate is null)
        {
            return ValidationResult.Error("whatif needs --baseline MODEL and --candidate MODEL, e.g. --baseline Linux2_6_19To3_15WholeFile --candidate Linux3_16Range.");
        }
        if (MaxStatesPerCrashPoint is < 1 || CheckerTimeoutSeconds <= 0)
        {
            return ValidationResult.Error("--max-states and --checker-timeout must be positive.");
        }
        return ValidationResult.Success();
    }
}
