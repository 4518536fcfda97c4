using System.Text.RegularExpressions;

namespace Writeback.Cli.Tests;

/// <summary>The fenced code blocks of the repository's Markdown: README.md and docs/*.md.</summary>
internal static partial class MarkdownBlocks
{
    /// <summary>One fenced block.</summary>
    /// <param name="File">The Markdown file, relative to the repository root.</param>
    /// <param name="Index">The block's number among the file's blocks of its language, from 1.</param>
    /// <param name="Language">The fence's info string (csharp, sh).</param>
    /// <param name="Code">The block's text.</param>
    /// <param name="NotCompiledReason">The reason of a <c>&lt;!-- not-compiled: reason --&gt;</c> comment just above the block.</param>
    /// <param name="FirstLine">The line number (from 1) of the block's first line of code in the file.</param>
    public sealed record Block(string File, int Index, string Language, string Code, string? NotCompiledReason, int FirstLine)
    {
        public override string ToString() => $"{File} {Language} block {Index}";
    }

    /// <summary>README.md and every Markdown file under docs/, relative to the root.</summary>
    public static IReadOnlyList<string> Files(string root) =>
        [.. new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
                                                 .Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal))];

    /// <summary>The blocks of one file, in order.</summary>
    public static IReadOnlyList<Block> Of(string root, string file, string? text = null)
    {
        string[] lines = (text ?? File.ReadAllText(Path.Combine(root, file))).Split('\n');
        var blocks = new List<Block>();
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (Fence().Match(lines[i]) is not { Success: true } open)
            {
                continue;
            }

            string language = open.Groups[1].Value;
            int end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
            if (end < 0)
            {
                break;
            }

            string? reason = null;
            for (int k = i - 1; k >= 0 && k >= i - 2; k--)
            {
                if (NotCompiled().Match(lines[k]) is { Success: true } marker)
                {
                    reason = marker.Groups[1].Value.Trim();
                }
            }

            counts[language] = counts.GetValueOrDefault(language) + 1;
            blocks.Add(new Block(file, counts[language], language, string.Join('\n', lines[(i + 1)..end]), reason, i + 2));
            i = end;
        }

        return blocks;
    }

    /// <summary>The text of a Markdown file from a level-2 heading starting with <paramref name="heading"/> to the next level-2 heading.</summary>
    public static string Section(string text, string heading)
    {
        int start = text.IndexOf("\n## " + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '## {heading}'");
        int end = text.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    [GeneratedRegex(@"^```(\w+)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"<!--\s*not-compiled:(.+?)-->")]
    private static partial Regex NotCompiled();
}
