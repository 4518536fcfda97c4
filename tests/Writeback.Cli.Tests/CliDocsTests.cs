using System.Text.RegularExpressions;

namespace Writeback.Cli.Tests;

/// <summary>docs/cli.md documents every command, argument and option the command line has.</summary>
public partial class CliDocsTests
{
    private static readonly string s_cliDoc = File.ReadAllText(Path.Combine(ProcessRunner.RepositoryRoot(), "docs", "cli.md"));

    public static TheoryData<string> Commands() => [.. CommandModel.All.Select(c => c.Path)];

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_has_a_section_in_cli_md_naming_each_of_its_options_and_arguments(string path)
    {
        CommandModel.Command command = CommandModel.All.Single(c => c.Path == path);
        string? section = Section(s_cliDoc, path);
        Assert.True(section is not null, $"docs/cli.md has no heading naming `writeback {path}`");
        foreach (CommandModel.Option option in command.Options.Where(o => o.Long != "help"))
        {
            Assert.True(Mentions(section!, "--" + option.Long), $"docs/cli.md, section `writeback {path}`, does not document --{option.Long}");
            if (option.Short is { } s)
            {
                Assert.True(Mentions(section!, "-" + s), $"docs/cli.md, section `writeback {path}`, does not give -{s} for --{option.Long}");
            }
        }

        foreach (string argument in command.Arguments)
        {
            Assert.True(section!.Contains(argument, StringComparison.Ordinal), $"docs/cli.md, section `writeback {path}`, does not name {argument}");
        }
    }

    /// <summary>The heading that names <c>`writeback PATH`</c> (or <c>`writeback PATH ARGS`</c>) and the text under it, up to the next heading of its level or above.</summary>
    internal static string? Section(string markdown, string path)
    {
        string[] lines = markdown.Split('\n');
        var heading = new Regex($@"^(#+) .*`writeback {Regex.Escape(path)}[` ]");
        for (int i = 0; i < lines.Length; i++)
        {
            if (heading.Match(lines[i]) is { Success: true } match)
            {
                int level = match.Groups[1].Length;
                IEnumerable<string> body = lines.Skip(i + 1).TakeWhile(l => !(Heading().Match(l) is { Success: true } h && h.Groups[1].Length <= level));
                return string.Join('\n', body.Prepend(lines[i]));
            }
        }

        return null;
    }

    private static bool Mentions(string text, string option) =>
        Regex.IsMatch(text, $@"(?<![\w-]){Regex.Escape(option)}(?![\w-])");

    [GeneratedRegex("^(#+) ")]
    private static partial Regex Heading();
}
