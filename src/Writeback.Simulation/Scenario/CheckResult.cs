namespace Writeback.Simulation;

/// <summary>The verdict of a scenario's checker on one post-crash image.</summary>
public readonly record struct CheckResult
{
    private CheckResult(string? message) => Message = message;

    /// <summary>The image is consistent and every acknowledged value survived.</summary>
    public static CheckResult Ok { get; }

    /// <summary>The image breaks the program; <paramref name="message"/> says how (e.g. "record 7 lost").</summary>
    /// <param name="message">What is wrong, for the report.</param>
    /// <returns>A failed result.</returns>
    public static CheckResult Fail(string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new CheckResult(message);
    }

    /// <summary>Whether the image passed the check.</summary>
    public bool Passed => Message is null;

    /// <summary>Why the check failed, or <see langword="null"/> when it passed.</summary>
    public string? Message { get; }
}
