using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Trace;

/// <summary>Options of <c>writeback trace</c>; the program and its arguments follow <c>--</c>.</summary>
internal sealed class TraceSettings : JsonSettings
{
    /// <summary>The directory the program runs in.</summary>
    [CommandOption("-d|--dir <DIR>")]
    [Description("The directory the program runs in (its working directory). Only files under it are modelled; what it holds before the program starts is the initial durable state.")]
    public string? Directory { get; init; }

    /// <summary>The checker command.</summary>
    [CommandOption("-c|--checker <CMD>")]
    [Description("Shell command run once per distinct post-crash image and acknowledged output, with WRITEBACK_IMAGE, WRITEBACK_OUTPUT, WRITEBACK_MODEL, WRITEBACK_CRASH_KIND and WRITEBACK_CRASH_POINT set. Exit 0 = consistent; otherwise the first line of its output is the failure message.")]
    public string? Checker { get; init; }

    /// <summary>Kernel models.</summary>
    [CommandOption("-m|--model <MODEL>")]
    [Description("Kernel model; repeatable. With two, the first is the baseline and failures only the second has are marked. Default: Linux2_6_19To3_15WholeFile and Linux3_16Range.")]
    public string[] Models { get; init; } = [];

    /// <summary>Crash kinds.</summary>
    [CommandOption("-k|--crash-kind <KIND>")]
    [Description("ProcessCrash, KernelCrash or PowerLoss (also process-crash, kernel-crash, power-loss); repeatable. Default: all three.")]
    public string[] CrashKinds { get; init; } = [];

    /// <summary>The atomic write unit.</summary>
    [CommandOption("--atomic-write-bytes <N>")]
    [Description("The device's atomic write unit in bytes: 4096 (a page is written whole or not at all) or 512 (sectors of a page may tear).")]
    [DefaultValue(4096)]
    public int AtomicWriteBytes { get; init; } = 4096;

    /// <summary>The exploration seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of the explorer's random sampling (used where a crash point has more states than --max-states).")]
    [DefaultValue(0UL)]
    public ulong Seed { get; init; }

    /// <summary>The exhaustive limit per crash point.</summary>
    [CommandOption("--max-states <N>")]
    [Description("Crash points with more post-crash states than this are explored bounded + sampled instead of exhaustively. Default: the explorer's (4096).")]
    public int? MaxStatesPerCrashPoint { get; init; }

    /// <summary>Paths not modelled.</summary>
    [CommandOption("--ignore <GLOB>")]
    [Description("A path under DIR (wildcards * and ?) whose contents the program never trusts after a crash, e.g. '*-shm' for SQLite's WAL index or a lock file; repeatable. Such files are left out of every image and of the states explored.")]
    public string[] Ignore { get; init; } = [];

    /// <summary>The program's time limit.</summary>
    [CommandOption("--timeout <SECONDS>")]
    [Description("Kill the program and everything it started after this many seconds (an error). Default 300.")]
    [DefaultValue(300.0)]
    public double TimeoutSeconds { get; init; } = 300;

    /// <summary>The checker's time limit.</summary>
    [CommandOption("--checker-timeout <SECONDS>")]
    [Description("Kill a checker run after this many seconds; the whole run then stops with an error. Default 60.")]
    [DefaultValue(60.0)]
    public double CheckerTimeoutSeconds { get; init; } = 60;

    /// <summary>Where to save the recording.</summary>
    [CommandOption("--save <TRACE>")]
    [Description("Save the recording to this file, to explore it again later with --load.")]
    public string? Save { get; init; }

    /// <summary>A saved recording to explore instead of running a program.</summary>
    [CommandOption("--load <TRACE>")]
    [Description("Explore a recording saved with --save instead of running a program.")]
    public string? Load { get; init; }

    /// <summary>Where to write post-crash images.</summary>
    [CommandOption("--write-image <DIR>")]
    [Description("Write post-crash images into DIR: with --crash-point N, every distinct image at crash point N (first --model, first --crash-kind) as DIR/state-I; without it, the image of each reported failure (and its shrunk image) as DIR/MODEL-KIND-N.")]
    public string? WriteImage { get; init; }

    /// <summary>The crash point whose images --write-image writes.</summary>
    [CommandOption("--crash-point <N>")]
    [Description("With --write-image: the crash point whose images to write (the number a failure report shows).")]
    public int? CrashPoint { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (AtomicWriteBytes < 1)
        {
            return ValidationResult.Error($"--atomic-write-bytes must be positive, not {AtomicWriteBytes}.");
        }
        if (MaxStatesPerCrashPoint is < 1)
        {
            return ValidationResult.Error($"--max-states must be 1 or more, not {MaxStatesPerCrashPoint}.");
        }
        if (TimeoutSeconds <= 0 || CheckerTimeoutSeconds <= 0)
        {
            return ValidationResult.Error("--timeout and --checker-timeout must be positive.");
        }
        if (CrashPoint is not null && WriteImage is null)
        {
            return ValidationResult.Error("--crash-point needs --write-image DIR.");
        }
        return ValidationResult.Success();
    }
}
