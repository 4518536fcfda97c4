using System.Globalization;

namespace Writeback.Formatting;

/// <summary>
/// A count with its noun in the right number: "1 record", "2 records", "0 pages". Compiled into each
/// assembly that prints counts (linked from src/Common), so that every message pluralises one way.
/// </summary>
internal static class Counted
{
    /// <summary>The count and the noun, singular for exactly one.</summary>
    /// <param name="count">The count.</param>
    /// <param name="singular">The noun for one, e.g. <c>byte</c>.</param>
    /// <param name="plural">The noun for any other count; <see langword="null"/> adds an <c>s</c>.</param>
    /// <returns>E.g. <c>1 byte</c>, <c>4096 bytes</c>.</returns>
    public static string Of(long count, string singular, string? plural = null) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural ?? singular + "s");

    /// <summary>The noun alone in the number <paramref name="count"/> asks for: <c>time</c> or <c>times</c>.</summary>
    /// <param name="count">The count.</param>
    /// <param name="singular">The noun for one.</param>
    /// <param name="plural">The noun for any other count; <see langword="null"/> adds an <c>s</c>.</param>
    /// <returns>The noun.</returns>
    public static string Noun(long count, string singular, string? plural = null) => count == 1 ? singular : plural ?? singular + "s";
}
