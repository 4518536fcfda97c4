using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Writeback.Cli.Commands.RealFs;

/// <summary>Options of <c>writeback realfs</c>; the program and its arguments follow <c>--</c>.</summary>
internal sealed class RealFsSettings : CommandSettings
{
    /// <summary>The file system.</summary>
    [CommandOption("--fs <FS>")]
    [Description("The file system to make on the logged device: ext4 (mounted data=ordered by default), xfs or btrfs.")]
    [DefaultValue("ext4")]
    public string FileSystem { get; init; } = "ext4";

    /// <summary>Extra mkfs options.</summary>
    [CommandOption("--mkfs-options <O>")]
    [Description("Extra options for mkfs, split at spaces (discards are always off).")]
    public string MkfsOptions { get; init; } = "";

    /// <summary>Mount options.</summary>
    [CommandOption("--mount-options <O>")]
    [Description("Mount options, used for the run and for every crash image. Default: ext4 'data=ordered,noinit_itable', others 'defaults'.")]
    public string? MountOptions { get; init; }

    /// <summary>Device size.</summary>
    [CommandOption("--size <MIB>")]
    [Description("The device's size in MiB. Default 64 (xfs at least 300, btrfs at least 128: their mkfs refuse less).")]
    public int SizeMiB { get; init; }

    /// <summary>Most crash images.</summary>
    [CommandOption("--crashes <N>")]
    [Description("The most crash images to check. Epochs of up to 10 writes are enumerated exhaustively while the budget allows; larger ones are sampled (seeded). Default 200.")]
    [DefaultValue(200)]
    public int Crashes { get; init; } = 200;

    /// <summary>The seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of the sampled subsets and torn sectors. Default 0.")]
    public ulong Seed { get; init; }

    /// <summary>Torn writes.</summary>
    [CommandOption("--torn")]
    [Description("Also tear writes: some writes that reached the disk keep only a seeded subset of their 512-byte sectors.")]
    public bool Torn { get; init; }

    /// <summary>Skip fsck.</summary>
    [CommandOption("--no-fsck")]
    [Description("Do not run the file system's read-only check (e2fsck -fn, xfs_repair -n, btrfs check --readonly) on each crash image.")]
    public bool NoFsck { get; init; }

    /// <summary>The checker.</summary>
    [CommandOption("-c|--checker <CMD>")]
    [Description("Shell command run on each mounted crash image with trace's contract: WRITEBACK_IMAGE (the mounted file system's root), WRITEBACK_OUTPUT, WRITEBACK_MODEL (the file system), WRITEBACK_CRASH_KIND (PowerLoss), WRITEBACK_CRASH_POINT. Exit 0 = consistent; its first output line is kept as the image's outcome.")]
    public string? Checker { get; init; }

    /// <summary>Setup command.</summary>
    [CommandOption("--setup <CMD>")]
    [Description("Shell command run in the file system's root before the program, followed by a sync; its writes are not crash-tested.")]
    public string? Setup { get; init; }

    /// <summary>JSON report.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Write the report (counts, every crash image's outcome, fsck results) as JSON to FILE ('-' for standard output).")]
    public string? Json { get; init; }

    /// <summary>The program's time limit.</summary>
    [CommandOption("--timeout <SECONDS>")]
    [Description("Kill the program after this many seconds (an error). Default 120.")]
    [DefaultValue(120.0)]
    public double TimeoutSeconds { get; init; } = 120;

    /// <summary>The checker's time limit.</summary>
    [CommandOption("--checker-timeout <SECONDS>")]
    [Description("Kill a checker run after this many seconds; the run then stops with an error, after cleaning up. Default 60.")]
    [DefaultValue(60.0)]
    public double CheckerTimeoutSeconds { get; init; } = 60;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (TimeoutSeconds <= 0 || CheckerTimeoutSeconds <= 0)
        {
            return ValidationResult.Error("realfs: --timeout and --checker-timeout must be positive.");
        }
        if (Crashes <= 0)
        {
            return ValidationResult.Error($"realfs: --crashes must be positive, not {Crashes}.");
        }
        if (SizeMiB < 0 || SizeMiB > 65536)
        {
            return ValidationResult.Error($"realfs: --size must be between 1 and 65536 MiB, not {SizeMiB}.");
        }
        return FileSystem is "ext4" or "xfs" or "btrfs" ? ValidationResult.Success()
            : ValidationResult.Error($"realfs: --fs must be ext4, xfs or btrfs, not '{FileSystem}'.");
    }
}
