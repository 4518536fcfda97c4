using System.Text.RegularExpressions;

namespace Writeback.Cli.Tests;

/// <summary>
/// The repository's documentation stands alone: no pointer into notes that are not in the
/// repository, and every relative link names a file that exists.
/// </summary>
public partial class DocsStandAloneTests
{
    public static TheoryData<string> Documents()
    {
        string root = ProcessRunner.RepositoryRoot();
        return [.. MarkdownBlocks.Files(root).Concat(Directory.GetFiles(Path.Combine(root, "src"), "PACKAGE.md", SearchOption.AllDirectories)
                                                              .Select(p => Path.GetRelativePath(root, p)))];
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Points_at_nothing_outside_the_repository(string document)
    {
        string text = File.ReadAllText(Path.Combine(ProcessRunner.RepositoryRoot(), document));
        string[] offending = [.. text.Split('\n').Where(l => OutsidePointer().IsMatch(l))];
        Assert.True(offending.Length == 0, $"{document} points at notes that are not in the repository:\n{string.Join('\n', offending)}");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_names_a_file_of_the_repository(string document)
    {
        string root = ProcessRunner.RepositoryRoot();
        string directory = Path.GetDirectoryName(Path.Combine(root, document))!;
        foreach (Match link in RelativeLink().Matches(File.ReadAllText(Path.Combine(root, document))))
        {
            string target = link.Groups[1].Value.Split('#')[0];
            Assert.True(target.Length == 0 || File.Exists(Path.Combine(directory, target)) || Directory.Exists(Path.Combine(directory, target)),
                        $"{document} links to {target}, which does not exist");
        }
    }

    /// <summary>The project's private research notes and their section numbers ("research §7.1", "shared/research/…").</summary>
    [GeneratedRegex(@"shared/|research/|research §|§\s?\d|anchors-[a-z-]+\.md|kernel-msync-semantics", RegexOptions.IgnoreCase)]
    private static partial Regex OutsidePointer();

    [GeneratedRegex(@"\]\((?!https?:|mailto:|#)([^)\s]+)\)")]
    private static partial Regex RelativeLink();
}
