using Writeback.LossyFs.Tests.Mounted;

namespace Writeback.LossyFs.Tests.Programs;

/// <summary>How a LossyFs mount is crashed: keep none of the unsynced writes, or a seeded random subset torn at <see cref="AtomicWriteBytes"/>.</summary>
/// <param name="KeepRandomSubset">Whether a seeded subset of the unsynced writes survives (<c>--keep random</c>).</param>
/// <param name="Seed">The seed of that subset.</param>
/// <param name="AtomicWriteBytes">The unit a kept write may be torn at (512: sectors).</param>
internal sealed record LossyFsCrash(bool KeepRandomSubset, ulong Seed, int AtomicWriteBytes = 512)
{
    /// <summary><c>--keep none</c>: every unsynced write is lost.</summary>
    public static LossyFsCrash KeepNone { get; } = new(false, 0);

    /// <summary><c>--keep random --seed S --atomic-write-bytes 512</c>.</summary>
    public static LossyFsCrash KeepRandom(ulong seed) => new(true, seed);

    /// <summary>The options passed to <see cref="LossyFileSystem.Crash"/>.</summary>
    public CrashOptions ToOptions() => new()
    {
        Keep = KeepRandomSubset ? CrashKeep.Random : CrashKeep.None,
        Seed = Seed,
        AtomicWriteBytes = AtomicWriteBytes,
    };

    /// <inheritdoc />
    public override string ToString() => KeepRandomSubset ? $"keep random seed {Seed} torn at {AtomicWriteBytes}" : "keep none";
}

/// <summary>
/// A LossyFs mount over a fresh backing directory, crashed as <see cref="LossyFsCrash"/> says. The
/// backing directory (the post-crash image) lives until dispose, so inspect it before that.
/// </summary>
internal sealed class LossyFsTarget : ICrashTarget
{
    private readonly TestMount _mount;
    private readonly LossyFsCrash _crash;

    private LossyFsTarget(TestMount mount, LossyFsCrash crash)
    {
        _mount = mount;
        _crash = crash;
    }

    /// <summary>Why LossyFs cannot be mounted here, or null when it can.</summary>
    public static string? UnavailableReason => TestMount.Unavailable();

    /// <inheritdoc />
    public string Description => $"LossyFs {_mount.Mountpoint} over {_mount.Backing}, {_crash}";

    /// <inheritdoc />
    public string WorkingDirectory => _mount.Mountpoint;

    /// <inheritdoc />
    public string ImageDirectory => _mount.Backing;

    /// <summary>What the crash dropped and kept (null before <see cref="Crash"/>).</summary>
    public CrashResult? CrashResult { get; private set; }

    /// <summary>
    /// Mounts LossyFs over a new backing directory that <paramref name="prepareBacking"/> fills
    /// first: what it writes is durable before the crash window opens.
    /// </summary>
    public static LossyFsTarget Mount(LossyFsCrash crash, Action<string> prepareBacking, bool namesDurableAtOnce = false) =>
        new(TestMount.Create(namesDurableAtOnce, prepareBacking), crash);

    /// <inheritdoc />
    public void Crash() => CrashResult = _mount.Crash(_crash.ToOptions());

    /// <inheritdoc />
    public void Dispose() => _mount.Dispose();
}
