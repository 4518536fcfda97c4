using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;
using Writeback.Cli.Commands.LossyFs;

namespace Writeback.Cli;

/// <summary>Usage errors that help: a did-you-mean for a mistyped command or option, and a program given without <c>--</c>.</summary>
internal static partial class WritebackCli
{
    /// <summary>The commands, as <c>writeback --help</c> lists them.</summary>
    internal static readonly string[] CommandNames = ["check", "trace", "whatif", "models", "corpus", "realfs", "bench", "inspect", "lossyfs"];

    /// <summary>The commands that run a program given after <c>--</c>.</summary>
    private static readonly string[] ProgramCommands = ["trace", "realfs"];

    /// <summary>Each command (and subcommand) with the class that runs it, to list its options.</summary>
    private static readonly Dictionary<string, Type> CommandTypes = new(StringComparer.Ordinal)
    {
        ["check"] = typeof(Commands.Check.CheckCommand),
        ["trace"] = typeof(Commands.Trace.TraceCommand),
        ["trace-show"] = typeof(Commands.Trace.TraceShowCommand),
        ["whatif"] = typeof(Commands.WhatIf.WhatIfCommand),
        ["realfs"] = typeof(Commands.RealFs.RealFsCommand),
        ["bench"] = typeof(Commands.Bench.BenchCommand),
        ["inspect"] = typeof(Commands.Inspect.InspectCommand),
        ["models show"] = typeof(Commands.Models.ModelsShowCommand),
        ["corpus record"] = typeof(Commands.Corpus.CorpusRecordCommand),
        ["lossyfs mount"] = typeof(LossyFsMountCommand),
        ["lossyfs unmount"] = typeof(LossyFsUnmountCommand),
        ["lossyfs status"] = typeof(LossyFsStatusCommand),
        ["lossyfs crash"] = typeof(LossyFsCrashCommand),
        ["lossyfs fault"] = typeof(LossyFsFaultCommand),
    };

    /// <summary>Spectre's message for a command it does not know.</summary>
    [GeneratedRegex(@"^Unknown command '(?<name>.*)'\.$")]
    private static partial Regex UnknownCommand();

    /// <summary>An unknown command: a program typed without <c>--</c>, or a mistyped command with a suggestion and the list.</summary>
    private static string? DescribeUnknownCommand(string message, IReadOnlyList<string> args)
    {
        if (UnknownCommand().Match(message) is not { Success: true } match)
        {
            return null;
        }
        string name = match.Groups["name"].Value;
        string? first = args.Count > 0 ? args[0] : null;
        if (first is not null && first != name && ProgramCommands.Contains(first))
        {
            return $"{first}: '{name}' is not an option: put the program after --, as in 'writeback {first} [OPTIONS] -- {name} [ARGS...]'.";
        }
        bool branch = first is "lossyfs" or "models" or "corpus" && first != name;
        string[] candidates = branch
            ? [.. CommandTypes.Keys.Where(k => k.StartsWith(first + " ", StringComparison.Ordinal))]
            : CommandNames;
        string typed = branch ? $"{first} {name}" : name;
        string suggestion = Closest(typed, candidates) is { } closest ? $"did you mean '{closest}'? " : "";
        return $"unknown command '{typed}'; {suggestion}commands: {string.Join(", ", candidates)}.";
    }

    /// <summary>The option the user probably meant, as <c>--name</c>, among the options of the command in <paramref name="args"/>.</summary>
    private static string? SuggestOption(string typed, IReadOnlyList<string> args)
    {
        string key = args.Count > 1 && args[0] is "lossyfs" or "models" or "corpus" ? $"{args[0]} {args[1]}" : args.Count > 0 ? args[0] : "";
        if (!CommandTypes.TryGetValue(key, out Type? command))
        {
            return null;
        }
        string[] options = [.. OptionsOf(command).Append("help")];
        return Closest(typed.TrimStart('-').Split('=')[0], options) is { } closest ? "--" + closest : null;
    }

    /// <summary>The long option names of a command's settings.</summary>
    internal static IEnumerable<string> OptionsOf(Type command)
    {
        Type? type = command;
        while (type is not null && !(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Command<>)))
        {
            type = type.BaseType;
        }
        Type? settings = type?.GetGenericArguments()[0];
        return settings is null
            ? []
            : settings.GetProperties().Select(p => p.GetCustomAttribute<CommandOptionAttribute>(inherit: true)).OfType<CommandOptionAttribute>()
                .SelectMany(a => a.LongNames);
    }

    /// <summary>The candidate nearest to <paramref name="typed"/> by edit distance, when it is near enough to be a typo.</summary>
    /// <param name="typed">What the user typed.</param>
    /// <param name="candidates">The valid words.</param>
    /// <returns>The closest word, or <see langword="null"/>.</returns>
    internal static string? Closest(string typed, IEnumerable<string> candidates)
    {
        int allowed = Math.Max(2, typed.Length / 3);
        return candidates.Select(c => (Word: c, Distance: EditDistance(typed.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance <= allowed).OrderBy(c => c.Distance).ThenBy(c => c.Word, StringComparer.Ordinal)
            .Select(c => c.Word).FirstOrDefault();
    }

    /// <summary>The Damerau-Levenshtein distance (optimal string alignment): insertions, deletions, substitutions and swaps of neighbours.</summary>
    internal static int EditDistance(string a, string b)
    {
        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
