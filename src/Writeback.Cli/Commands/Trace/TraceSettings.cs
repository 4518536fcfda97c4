using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Commands.Check;

namespace Writeback.Cli.Commands.Trace;

/// <summary>Options of <c>writeback trace</c>; the program and its arguments follow <c>--</c>.</summary>
internal sealed class TraceSettings : ExplorationSettings
{
    /// <summary>The directory the program runs in.</summary>
    [CommandOption("-d|--dir <DIR>")]
    [Description("The directory the program runs in (its working directory; relative arguments are read there). Only files under it are modelled; what it holds before the program starts is the initial durable state.")]
    public string? Directory { get; init; }

    /// <summary>The checker command.</summary>
    [CommandOption("-c|--checker <CMD>")]
    [Description("Shell command run once per distinct post-crash image and acknowledged output, with WRITEBACK_IMAGE, WRITEBACK_OUTPUT and WRITEBACK_CRASH_POINT set (and WRITEBACK_MODEL, WRITEBACK_CRASH_KIND with --checker-uses-context). It runs in the directory 'trace' was started from. Exit 0 = consistent; otherwise the first line of its output is the failure message.")]
    public string? Checker { get; init; }

    /// <summary>The scenario's name in reports.</summary>
    [CommandOption("--name <NAME>")]
    [Description("The scenario's name in reports, JSON and HTML. Default: the program a user thinks of (app.py for 'python3 app.py').")]
    public string? Name { get; init; }

    /// <summary>Paths not modelled.</summary>
    [CommandOption("--ignore <GLOB>")]
    [Description("A path under DIR (wildcards * and ?) whose contents the program never trusts after a crash, e.g. '*-shm' for SQLite's WAL index or a lock file; repeatable. Such files are left out of every image and of the states explored.")]
    public string[] Ignore { get; init; } = [];

    /// <summary>Whether the checker is told the model and crash kind, and its verdict may depend on them.</summary>
    [CommandOption("--checker-uses-context")]
    [Description("Tell the checker the model and crash kind (WRITEBACK_MODEL, WRITEBACK_CRASH_KIND) and judge each image once per model and crash kind it is met under. Without it the checker judges the image and the output alone: those variables are unset, and each distinct image and output is judged once.")]
    public bool CheckerUsesContext { get; init; }

    /// <summary>The default, stated: the checker judges the image and output alone.</summary>
    [CommandOption("--image-only-checker")]
    [Description("The default, stated explicitly: the checker judges the image and the output alone (cannot be combined with --checker-uses-context).")]
    public bool ImageOnlyChecker { get; init; }

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
    [Description("Write post-crash images into DIR: with --crash-point N, every distinct image at crash point N (first --model, first --crash-kind) as DIR/state-I; without it, the image of each reported failure (and its shrunk image) as DIR/MODEL-KIND-N. Beside each image IMAGE: IMAGE.output.txt, the output the checker was given, and IMAGE.verdict.txt, its verdict on that image.")]
    public string? WriteImage { get; init; }

    /// <summary>The crash point whose images --write-image writes.</summary>
    [CommandOption("--crash-point <N>")]
    [Description("With --write-image: the crash point whose images to write (the number a failure report shows).")]
    public int? CrashPoint { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (base.Validate() is { Successful: false } invalid)
        {
            return invalid;
        }
        if (TimeoutSeconds <= 0 || CheckerTimeoutSeconds <= 0)
        {
            return ValidationResult.Error("--timeout and --checker-timeout must be positive.");
        }
        if (Name is { } name && (name.Trim().Length == 0 || name.Contains('\n', StringComparison.Ordinal)))
        {
            return ValidationResult.Error("--name must be one non-empty line.");
        }
        if (CrashPoint is not null && WriteImage is null)
        {
            return ValidationResult.Error("--crash-point needs --write-image DIR.");
        }
        if (CheckerUsesContext && ImageOnlyChecker)
        {
            return ValidationResult.Error("--checker-uses-context and --image-only-checker contradict each other: give one.");
        }
        return ValidationResult.Success();
    }
}
