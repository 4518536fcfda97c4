namespace Writeback.Tracing;

/// <summary>What <see cref="TraceRecorder.Record"/> runs, where, and for how long at most.</summary>
public sealed record RecorderOptions
{
    /// <summary>The directory the program runs in; only files under it are modelled. It must exist.</summary>
    public required string Directory { get; init; }

    /// <summary>The program: a path (relative to the current directory, not to <see cref="Directory"/>) or a name looked up in PATH.</summary>
    public required string Program { get; init; }

    /// <summary>The program's arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>How long the program may run before it and every process it started are killed. Default 5 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}
