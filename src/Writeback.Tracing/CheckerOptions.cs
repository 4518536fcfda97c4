namespace Writeback.Tracing;

/// <summary>The user's checker: a shell command run once per distinct post-crash image and acknowledged output.</summary>
public sealed record CheckerOptions
{
    /// <summary>The command, run with <c>/bin/sh -c</c>. Exit 0 means consistent; otherwise the first line of its output is the failure message.</summary>
    public required string Command { get; init; }

    /// <summary>How long one run may take before it is killed and the whole check stops with an error. Default 60 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Paths (relative to the traced directory; <c>*</c> and <c>?</c> wildcards) whose contents the
    /// program never trusts after a crash, e.g. SQLite's <c>*-shm</c> (rebuilt from the WAL by the
    /// first connection) or lock files. They are not modelled: absent from every image, and their
    /// versions do not multiply the states to explore.
    /// </summary>
    public IReadOnlyList<string> IgnoredPaths { get; init; } = [];

    /// <summary>The scenario's name in reports (<c>--name</c>), or <see langword="null"/> to name it after the program.</summary>
    public string? ScenarioName { get; init; }

    /// <summary>
    /// Whether the checker is told the crash kind and the model (<c>WRITEBACK_CRASH_KIND</c>,
    /// <c>WRITEBACK_MODEL</c>), so that its verdict may depend on them and not only on the image and
    /// the output. Default <see langword="false"/>: the checker judges what survived, the variables
    /// are not set (a checker that reads them finds them empty rather than judging with a stale
    /// value), and the same image with the same output is judged once for every crash kind and
    /// model. <see langword="true"/>: the variables are set, and a verdict is reused only for the
    /// same image, output, crash kind and model (one checker run per model and kind an image is met
    /// under).
    /// </summary>
    public bool VerdictDependsOnContext { get; init; }

    /// <summary>The checker's working directory. Default: the current directory.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;
}
