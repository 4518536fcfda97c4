using System.Xml.Linq;

namespace Writeback.Cli.Tests;

/// <summary>
/// Every command of the <c>writeback</c> command line, read from the CLI's own command tree
/// (Spectre's <c>cli xmldoc</c>), so tests cover commands and options other branches add.
/// </summary>
internal static class CommandModel
{
    /// <summary>A command (leaf or branch), its path from the root, its options and arguments.</summary>
    public sealed record Command(string Path, bool IsBranch, IReadOnlyList<Option> Options, IReadOnlyList<string> Arguments)
    {
        public override string ToString() => Path;
    }

    /// <summary>An option: its long name (without dashes) and its short name, if any.</summary>
    public sealed record Option(string Long, string? Short);

    public static IReadOnlyList<Command> All { get; } = Load();

    private static List<Command> Load()
    {
        // Wide enough that Spectre never wraps the XML.
        var run = CliRun.OfWidth(100_000, "cli", "xmldoc");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var commands = new List<Command>();
        foreach (XElement element in XDocument.Parse(run.Console.Trim()).Root!.Elements("Command"))
        {
            Add(element, "", commands);
        }

        Assert.NotEmpty(commands);
        return commands;
    }

    private static void Add(XElement element, string parent, List<Command> commands)
    {
        // A branch's default command (`writeback models`) is documented in the branch's own section.
        string name = (string)element.Attribute("Name")!;
        string path = name == "__default_command" ? parent : (parent + " " + name).Trim();
        XElement? parameters = element.Element("Parameters");
        Option[] options = [.. parameters?.Elements("Option").Select(o => new Option(
            (string)o.Attribute("Long")!, (string?)o.Attribute("Short") is { Length: > 0 } s ? s : null)) ?? []];
        string[] arguments = [.. parameters?.Elements("Argument").Select(a => (string)a.Attribute("Name")!) ?? []];
        commands.RemoveAll(c => name == "__default_command" && c.Path == path); // the branch itself, which the default command stands for
        commands.Add(new Command(path, (bool)element.Attribute("IsBranch")!, options, arguments));
        foreach (XElement child in element.Elements("Command"))
        {
            Add(child, path, commands);
        }
    }
}
