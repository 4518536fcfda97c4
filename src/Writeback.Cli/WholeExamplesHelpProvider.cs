using System.Text;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Writeback.Cli;

/// <summary>
/// Spectre's help, laid out for a terminal of 80 columns and for a log: each example printed whole
/// on one line (a wrapped example can no longer be copied and run); options as a name line with the
/// description beside it or, when the name is long, below it, wrapped to the full width, the default
/// in the description (no mostly empty DEFAULT column), required options first, no trailing spaces;
/// and USAGE showing <c>-- PROGRAM [ARGS...]</c> for the commands that run a program.
/// </summary>
internal sealed class WholeExamplesHelpProvider : HelpProvider
{
    private readonly ICommandAppSettings _settings;

    /// <summary>Creates the provider.</summary>
    /// <param name="settings">The application's settings (its console among them).</param>
    public WholeExamplesHelpProvider(ICommandAppSettings settings)
        : base(settings) => _settings = settings;

    /// <summary>Where descriptions start: after the option's names, when these fit before it.</summary>
    private const int DescriptionColumn = 30;

    /// <summary>Where a description starts when it goes below a long option name.</summary>
    private const int BelowIndent = 12;

    /// <summary>Options a command cannot run without, though Spectre does not enforce them (--dir or --load, for instance).</summary>
    private static readonly Dictionary<string, string[]> RequiredOptions = new(StringComparer.Ordinal)
    {
        ["trace"] = ["checker", "dir unless --load"],
        ["realfs"] = ["checker"],
        ["mount"] = ["backing"],
    };

    /// <summary>The commands that take a program after <c>--</c>.</summary>
    private static readonly string[] ProgramCommands = ["trace", "realfs"];

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetExamples(ICommandModel model, ICommandInfo? command) =>
        base.GetExamples(model, command).Select(r => (IRenderable)new Unwrapped(r));

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetDescription(ICommandModel model, ICommandInfo? command)
    {
        if (command?.Description is not { Length: > 0 } description)
        {
            return base.GetDescription(model, command);
        }
        string plain = description.Replace("[[", "[", StringComparison.Ordinal).Replace("]]", "]", StringComparison.Ordinal);
        return [new Markup("[yellow]DESCRIPTION:[/]"), new Text("\n" + string.Join('\n', Wrap(plain, Math.Max(40, Console.Profile.Width - 1))) + "\n\n")];
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetUsage(ICommandModel model, ICommandInfo? command)
    {
        if (command is not null && !command.IsBranch && ProgramCommands.Contains(command.Name))
        {
            return
            [
                new Markup($"[yellow]USAGE:[/]{Environment.NewLine}    {model.ApplicationName} {command.Name} [[OPTIONS]] -- PROGRAM [[ARGS...]]{Environment.NewLine}"),
            ];
        }
        return base.GetUsage(model, command);
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command)
    {
        ICommandOption[] options = [.. (command?.Parameters ?? []).OfType<ICommandOption>().Where(o => !o.IsHidden)];
        string[] required = command is not null && RequiredOptions.TryGetValue(command.Name, out string[]? names) ? names : [];
        var rows = options
            .Select(o => (Option: (ICommandOption?)o, Required: o.IsRequired ? "Required." : RequiredNote(o, required)))
            .OrderBy(r => r.Required is null ? 1 : 0)
            .Prepend((Option: (ICommandOption?)null, Required: null)) // -h, --help
            .ToList();
        StringBuilder text = new StringBuilder("OPTIONS:").Append('\n');
        foreach ((ICommandOption? option, string? requiredNote) in rows)
        {
            AppendOption(text, option, requiredNote);
        }
        if (command is null)
        {
            AppendRow(text, "-v, --version", "Prints version information.");
        }
        return [Text.NewLine, new Markup("[yellow]OPTIONS:[/]"), new Text(text.ToString()["OPTIONS:".Length..])];
    }

    /// <summary><c>Required.</c> or <c>Required unless --load.</c> for an option the command needs; null for the others.</summary>
    private static string? RequiredNote(ICommandOption option, string[] required) =>
        required.FirstOrDefault(r => option.LongNames.Contains(r.Split(' ')[0])) is { } entry
            ? "Required" + (entry.Contains(' ', StringComparison.Ordinal) ? entry[entry.IndexOf(' ', StringComparison.Ordinal)..] : "") + "."
            : null;

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetArguments(ICommandModel model, ICommandInfo? command)
    {
        ICommandArgument[] arguments = [.. (command?.Parameters ?? []).OfType<ICommandArgument>().Where(a => !a.IsHidden).OrderBy(a => a.Position)];
        if (arguments.Length == 0)
        {
            return [];
        }
        var text = new StringBuilder();
        foreach (ICommandArgument argument in arguments)
        {
            AppendRow(text, argument.IsRequired ? $"<{argument.Value}>" : $"[{argument.Value}]", Sentence(argument.Description ?? ""));
        }
        return [Text.NewLine, new Markup("[yellow]ARGUMENTS:[/]"), new Text("\n" + text)];
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetCommands(ICommandModel model, ICommandInfo? command)
    {
        ICommandContainer container = command ?? (ICommandContainer)model;
        ICommandInfo[] commands = [.. container.Commands.Where(c => !c.IsHidden)];
        if (commands.Length == 0)
        {
            return [];
        }
        var text = new StringBuilder();
        foreach (ICommandInfo child in commands)
        {
            string arguments = string.Concat(child.Parameters.OfType<ICommandArgument>().Where(a => !a.IsHidden).OrderBy(a => a.Position)
                .Select(a => a.IsRequired ? $" <{a.Value}>" : $" [{a.Value}]"));
            AppendRow(text, child.Name + arguments, Sentence((child.Description ?? "").Replace("[[", "[", StringComparison.Ordinal).Replace("]]", "]", StringComparison.Ordinal)));
        }
        return [Text.NewLine, new Markup("[yellow]COMMANDS:[/]"), new Text("\n" + text)];
    }

    /// <summary>One option: its names, and its description beside or below them, wrapped to the console's width.</summary>
    private void AppendOption(StringBuilder text, ICommandOption? option, string? requiredNote)
    {
        string names = option is null ? "-h, --help" : Names(option);
        string description = option is null ? "Prints help information." : Description(option, requiredNote);
        AppendRow(text, names, description);
    }

    /// <summary>A name (an option, a command) and its description beside it or, when the name is long, below it, wrapped to the console's width.</summary>
    private void AppendRow(StringBuilder text, string names, string description)
    {
        int width = Math.Max(DescriptionColumn + 20, Console.Profile.Width - 1);
        string head = "    " + names;
        List<string> lines = Wrap(description, width - (head.Length + 2 <= DescriptionColumn ? DescriptionColumn : BelowIndent));
        if (head.Length + 2 <= DescriptionColumn)
        {
            text.Append(head.PadRight(DescriptionColumn)).Append(lines[0]).Append('\n');
            lines.Skip(1).ToList().ForEach(l => text.Append(' ', DescriptionColumn).Append(l).Append('\n'));
        }
        else
        {
            text.Append(head).Append('\n');
            lines.ForEach(l => text.Append(' ', BelowIndent).Append(l).Append('\n'));
        }
    }

    /// <summary>The console help is written to (the configured one).</summary>
    private IAnsiConsole Console => _settings.Console ?? AnsiConsole.Console;

    private static string Names(ICommandOption option)
    {
        IEnumerable<string> all = option.ShortNames.Select(s => "-" + s).Concat(option.LongNames.Select(l => "--" + l));
        string value = option.ValueName is null || option.IsFlag ? "" : option.ValueIsOptional ? $" [{option.ValueName}]" : $" <{option.ValueName}>";
        string joined = string.Join(", ", all) + value;
        return option.ShortNames.Count == 0 ? "    " + joined : joined;
    }

    /// <summary>A description as a sentence: trimmed, ending with a full stop.</summary>
    private static string Sentence(string description)
    {
        description = description.Trim();
        return description.Length > 0 && !description.EndsWith('.') && !description.EndsWith(')') ? description + "." : description;
    }

    private static string Description(ICommandOption option, string? requiredNote)
    {
        string description = Sentence(option.Description ?? "");
        if (option.DefaultValue?.Value is { } value && !description.Contains("Default", StringComparison.Ordinal)
            && !(value is bool b && !b))
        {
            description += $" Default: {value}.";
        }
        return requiredNote is null ? description : requiredNote + " " + description;
    }

    /// <summary>Words into lines of at most <paramref name="width"/> characters (a longer word gets a line of its own).</summary>
    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            line.Append(line.Length > 0 ? " " : "").Append(word);
        }
        lines.Add(line.ToString());
        return lines;
    }

    /// <summary>Renders its content as if the console were as wide as its longest line.</summary>
    private sealed class Unwrapped(IRenderable content) : Renderable
    {
        private const int UnlimitedWidth = 100_000;

        protected override Measurement Measure(RenderOptions options, int maxWidth) => content.Measure(options, UnlimitedWidth);

        protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => content.Render(options, UnlimitedWidth);
    }
}
