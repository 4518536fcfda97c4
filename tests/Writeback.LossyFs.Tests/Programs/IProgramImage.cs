namespace Writeback.LossyFs.Tests.Programs;

/// <summary>What a post-crash image of a program's store holds, as its own tools read it.</summary>
internal interface IProgramImage
{
    /// <summary><c>ok</c> when the store opens and its own consistency check passes; otherwise what went wrong.</summary>
    string Soundness { get; }

    /// <summary>The record ids present.</summary>
    IReadOnlySet<long> Ids { get; }

    /// <summary>Records whose content was never written, and tool errors.</summary>
    IReadOnlyList<string> Problems { get; }
}

/// <summary>What every program image answers the same way.</summary>
internal static class ProgramImageExtensions
{
    /// <summary>The acknowledged ids missing from <paramref name="image"/>.</summary>
    public static IReadOnlyList<long> Missing(this IProgramImage image, IEnumerable<long> acknowledged) =>
        acknowledged.Where(id => !image.Ids.Contains(id)).ToList();
}
