namespace Writeback.LossyFs.RealFs;

/// <summary>What <see cref="RealFsRunner"/> runs: the file system, the program, the checker, and how many crash images.</summary>
public sealed record RealFsOptions
{
    /// <summary>The file system to make on the logged device.</summary>
    public FileSystemKind FileSystem { get; init; } = FileSystemKind.Ext4;

    /// <summary>Extra mkfs options, split at spaces.</summary>
    public string MkfsOptions { get; init; } = "";

    /// <summary>Mount options (null: ext4 <c>data=ordered,noinit_itable</c>, others <c>defaults</c>).</summary>
    public string? MountOptions { get; init; }

    /// <summary>The device's size in MiB (0: 64, or the file system's minimum when larger).</summary>
    public int SizeMiB { get; init; }

    /// <summary>The most crash images to check.</summary>
    public int Crashes { get; init; } = 200;

    /// <summary>Seed of the sampled subsets and torn sectors.</summary>
    public ulong Seed { get; init; }

    /// <summary>Also tear writes at 512-byte sectors (some included writes keep a random subset of their sectors).</summary>
    public bool TornWrites { get; init; }

    /// <summary>Run the file system's read-only fsck on each crash image after the checker.</summary>
    public bool Fsck { get; init; } = true;

    /// <summary>The checker command (run with <c>/bin/sh -c</c>, the <c>WRITEBACK_*</c> contract of <c>writeback trace</c>).</summary>
    public required string Checker { get; init; }

    /// <summary>How long one checker run may take before it is killed and the run stops with an error.</summary>
    public TimeSpan CheckerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>An optional shell command run in the file system's root before the program (not crash-tested: a sync follows it).</summary>
    public string? Setup { get; init; }

    /// <summary>The program to run in the file system's root.</summary>
    public required string Program { get; init; }

    /// <summary>Its arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>How long the program may run.</summary>
    public TimeSpan ProgramTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Where the images, the log and the mount points go (null: a fresh directory under /dev/shm, else the temp directory).</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>The effective device size in MiB.</summary>
    public int EffectiveSizeMiB => Math.Max(SizeMiB > 0 ? SizeMiB : 64, FileSystemTools.MinimumSizeMiB(FileSystem));
}

/// <summary>What one crash image gave.</summary>
/// <param name="Index">The state's number.</param>
/// <param name="CrashPoint">The crash in words.</param>
/// <param name="Passed">The image mounted and the checker exited 0.</param>
/// <param name="Outcome">The checker's first output line (also when it passed: litmus checkers print the outcome they saw), or the mount error.</param>
/// <param name="MountFailed">The file system refused to mount the image (a real fs bug, or a torn write it cannot survive).</param>
/// <param name="FsckClean">fsck found nothing (null when fsck did not run).</param>
/// <param name="FsckMessage">fsck's first line when it did find something.</param>
public sealed record CrashImageResult(int Index, string CrashPoint, bool Passed, string? Outcome, bool MountFailed, bool? FsckClean, string? FsckMessage);

/// <summary>The result of a whole run.</summary>
public sealed record RealFsReport
{
    /// <summary>The file system.</summary>
    public required string FileSystem { get; init; }

    /// <summary>Mount options used.</summary>
    public required string MountOptions { get; init; }

    /// <summary>Device size in MiB.</summary>
    public required int SizeMiB { get; init; }

    /// <summary>Writes the program's run produced on the device (after setup).</summary>
    public required int Writes { get; init; }

    /// <summary>Flushes during the run.</summary>
    public required int Flushes { get; init; }

    /// <summary>Zeroed ranges (discards) during the run.</summary>
    public required int ZeroedRanges { get; init; }

    /// <summary>Bytes written during the run.</summary>
    public required long WrittenBytes { get; init; }

    /// <summary>Epochs (flush intervals) during the run.</summary>
    public required int Epochs { get; init; }

    /// <summary>The program's standard output.</summary>
    public required string Output { get; init; }

    /// <summary>Every crash image checked.</summary>
    public required IReadOnlyList<CrashImageResult> Images { get; init; }

    /// <summary>Seconds spent checking crash images (build, attach, mount, check, unmount, fsck, detach).</summary>
    public required double CheckSeconds { get; init; }

    /// <summary>Whether every image passed and fsck found every image clean.</summary>
    public bool Passed => Images.All(i => i.Passed && i.FsckClean != false);
}
