namespace Writeback.LossyFs.Tests.Programs;

/// <summary>How a LossyFs mount is crashed: keep none of the unsynced writes, or a seeded random subset torn at <see cref="AtomicWriteBytes"/>.</summary>
/// <param name="KeepRandomSubset">Whether a seeded subset of the unsynced writes survives (<c>--keep random</c>).</param>
/// <param name="Seed">The seed of that subset.</param>
/// <param name="AtomicWriteBytes">The unit a kept write may be torn at.</param>
internal sealed record LossyFsCrash(bool KeepRandomSubset, ulong Seed, int AtomicWriteBytes = 512)
{
    /// <summary><c>--keep none</c>: every unsynced write is lost.</summary>
    public static LossyFsCrash KeepNone { get; } = new(false, 0);

    /// <summary><c>--keep random --seed S</c>.</summary>
    public static LossyFsCrash KeepRandom(ulong seed) => new(true, seed);

    /// <inheritdoc />
    public override string ToString() => KeepRandomSubset ? $"keep random seed {Seed} torn at {AtomicWriteBytes}" : "keep none";
}

/// <summary>A LossyFs mount over a backing directory, crashed as <see cref="LossyFsCrash"/> says.</summary>
internal sealed class LossyFsTarget : ICrashTarget
{
    private LossyFsTarget(string backingDirectory, string mountPoint, LossyFsCrash crash)
    {
        ImageDirectory = backingDirectory;
        WorkingDirectory = mountPoint;
        Description = $"LossyFs {mountPoint} over {backingDirectory}, {crash}";
    }

    /// <summary>Why LossyFs cannot be mounted here, or null when it can.</summary>
    public static string? UnavailableReason => "LossyFs is not merged into this branch yet";

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public string WorkingDirectory { get; }

    /// <inheritdoc />
    public string ImageDirectory { get; }

    /// <summary>Mounts LossyFs over <paramref name="backingDirectory"/> at <paramref name="mountPoint"/>.</summary>
    public static LossyFsTarget Mount(string backingDirectory, string mountPoint, LossyFsCrash crash, bool namesDurableAtOnce = false) =>
        throw new NotSupportedException($"{UnavailableReason} ({backingDirectory}, {mountPoint}, {crash}, names durable at once: {namesDurableAtOnce})");

    /// <inheritdoc />
    public void Crash()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
