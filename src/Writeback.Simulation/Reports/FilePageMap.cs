using System.Text.Json.Serialization;
using Writeback.Simulation.Reports;

namespace Writeback.Simulation;

/// <summary>The fate of every page of one file in a post-crash image.</summary>
/// <param name="File">The file's name in the image.</param>
/// <param name="Pages">One entry per page, page 0 first. In JSON a string with one letter per page: D(urable), K(ept), L(ost), T(orn).</param>
[JsonConverter(typeof(FilePageMapJsonConverter))]
public sealed record FilePageMap(string File, IReadOnlyList<PageFate> Pages)
{
    /// <summary>The page map as one letter per page: <c>D</c> durable, <c>K</c> kept, <c>L</c> lost, <c>T</c> torn.</summary>
    /// <returns>A string as long as <see cref="Pages"/>.</returns>
    public string ToLetters() => string.Create(Pages.Count, Pages, static (span, pages) =>
    {
        for (int pageIndex = 0; pageIndex < span.Length; pageIndex++)
        {
            span[pageIndex] = pages[pageIndex] switch
            {
                PageFate.Durable => 'D',
                PageFate.Kept => 'K',
                PageFate.Lost => 'L',
                _ => 'T',
            };
        }
    });

    /// <inheritdoc/>
    public bool Equals(FilePageMap? other) =>
        other is not null && File == other.File && Pages.SequenceEqual(other.Pages);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(File, Pages.Count);
}
