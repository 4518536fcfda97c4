using System.Globalization;
using System.Text;

namespace Writeback.Cli.Output;

/// <summary>
/// A map drawn as rows of coloured one-letter cells, each row labelled with the index of its first
/// item: the page-cache map of <c>inspect</c> and the crash-image page maps of <c>check</c>.
/// </summary>
internal static class CellGrid
{
    /// <summary>Cells per row.</summary>
    public const int CellsPerRow = 64;

    /// <summary>
    /// The most cells per row (64, 32, 16 or 8) whose rows, with their label and indent, fit in
    /// <paramref name="widthChars"/>: a row wrapped by the terminal would misalign the map.
    /// </summary>
    /// <param name="widthChars">The columns available for a row.</param>
    /// <param name="indentChars">The indent's width.</param>
    /// <returns>The cells per row.</returns>
    public static int CellsPerRowWithin(int widthChars, int indentChars)
    {
        int cells = CellsPerRow;
        while (cells > 8 && indentChars + LabelChars + cells > widthChars)
        {
            cells /= 2;
        }

        return cells;
    }

    /// <summary>The row label's width: a right-aligned index of 10 digits and a space.</summary>
    private const int LabelChars = 11;

    /// <summary>Spectre markup for the grid.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items, one cell each, in order.</param>
    /// <param name="letter">The cell's letter.</param>
    /// <param name="colour">The cell's colour (a Spectre colour name).</param>
    /// <param name="rowLabel">The label of the row starting at item <c>i</c> (a page index).</param>
    /// <param name="indent">Text before each row.</param>
    /// <param name="cellsPerRow">Cells per row; <see cref="CellsPerRow"/> unless the width is short (<see cref="CellsPerRowWithin"/>).</param>
    /// <returns>Markup, rows separated by line breaks, no trailing break.</returns>
    public static string ToMarkup<T>(IReadOnlyList<T> items, Func<T, char> letter, Func<T, string> colour,
                                     Func<int, long> rowLabel, string indent = "", int cellsPerRow = CellsPerRow)
    {
        var text = new StringBuilder();
        for (int start = 0; start < items.Count; start += cellsPerRow)
        {
            if (start > 0)
            {
                text.Append('\n');
            }

            text.Append(CultureInfo.InvariantCulture, $"{indent}[grey]{rowLabel(start),10}[/] ");
            for (int i = start; i < Math.Min(items.Count, start + cellsPerRow); i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"[{colour(items[i])}]{letter(items[i])}[/]");
            }
        }

        return text.ToString();
    }
}
