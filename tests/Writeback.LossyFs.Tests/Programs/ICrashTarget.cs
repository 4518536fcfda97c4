namespace Writeback.LossyFs.Tests.Programs;

/// <summary>
/// Where a program under test runs and how it is crashed: a plain directory (the program is killed,
/// a process crash, which must lose nothing it acknowledged whatever its sync settings) or a LossyFs
/// mount (the mount is crashed, a power cut, which loses whatever was not synced).
/// </summary>
internal interface ICrashTarget : IDisposable
{
    /// <summary>What this target is and how it crashes, for messages (includes any seed).</summary>
    string Description { get; }

    /// <summary>The directory the program works in (a mount point or the plain directory).</summary>
    string WorkingDirectory { get; }

    /// <summary>The directory holding the post-crash image once <see cref="Crash"/> returned.</summary>
    string ImageDirectory { get; }

    /// <summary>Crashes the storage under the program; the caller then kills the program.</summary>
    void Crash();
}

/// <summary>A plain directory: crashing it does nothing, so only the program's death (a process crash) is tested.</summary>
internal sealed class PlainDirectoryTarget(string directory) : ICrashTarget
{
    /// <inheritdoc />
    public string Description => $"plain directory {directory} (process crash)";

    /// <inheritdoc />
    public string WorkingDirectory => directory;

    /// <inheritdoc />
    public string ImageDirectory => directory;

    /// <inheritdoc />
    public void Crash()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
