namespace Writeback.LossyFs;

/// <summary>Options of <see cref="LossyFileSystem.Mount"/>.</summary>
public sealed record LossyFsOptions
{
    /// <summary>The directory whose contents the mount shows and which holds only durable data: after a crash it is the post-crash image.</summary>
    public required string BackingDirectory { get; init; }

    /// <summary>An existing, empty directory to mount on.</summary>
    public required string Mountpoint { get; init; }

    /// <summary>
    /// LazyFS behaviour: creates, unlinks and renames reach the backing directory at once instead
    /// of at FSYNCDIR of their directory. Data stays volatile until FSYNC either way.
    /// </summary>
    public bool NamesDurableImmediately { get; init; }

    /// <summary>Threads reading requests from /dev/fuse (requests are served concurrently). Default 4.</summary>
    public int ReaderThreadCount { get; init; } = 4;

    /// <summary>How long <see cref="LossyFileSystem.Mount"/> waits for the kernel's FUSE_INIT. Default 10 s.</summary>
    public TimeSpan MountTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether to serve the control socket that the CLI (<c>writeback lossyfs status|crash|fault|unmount</c>) talks to. Default true.</summary>
    public bool ControlChannel { get; init; } = true;

    /// <summary>Receives diagnostics (unexpected exceptions, failed replies). Default: standard error.</summary>
    public Action<string>? Log { get; init; }
}
