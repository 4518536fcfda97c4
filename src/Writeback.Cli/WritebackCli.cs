using System.Reflection;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Commands.Bench;
using Writeback.Cli.Commands.Check;
using Writeback.Cli.Commands.Inspect;
using Writeback.Cli.Commands.LossyFs;
using Writeback.Cli.Commands.Trace;

namespace Writeback.Cli;

/// <summary>
/// Builds and runs the <c>writeback</c> command line. <see cref="Run"/> is what Program.cs calls;
/// tests call it too, with their own output, so every command runs in-process exactly as it does
/// in the shipped tool.
/// </summary>
internal static partial class WritebackCli
{
    /// <summary>The tool's version, as <c>writeback --version</c> prints it.</summary>
    public static string Version { get; } =
        typeof(WritebackCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0]
        ?? typeof(WritebackCli).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>Parses <paramref name="args"/>, runs the command and returns its exit code.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Where the command writes.</param>
    /// <param name="cancellationToken">Signalled by Ctrl+C; commands that run until stopped (<c>inspect --watch</c>) end cleanly.</param>
    /// <returns>One of <see cref="ExitCodes"/>.</returns>
    public static int Run(string[] args, CliOutput output, CancellationToken cancellationToken = default)
    {
        args = NormalizeArguments(args);
        var app = new CommandApp();
        app.Configure(config => Configure(config, output, args));
        return app.Run(args, cancellationToken);
    }

    /// <summary>
    /// <c>--json -</c> means standard output, as <c>--json</c> alone does; Spectre would read the
    /// lone dash as an option without a name, so it is dropped here.
    /// </summary>
    /// <param name="args">The arguments as given.</param>
    /// <returns>The arguments Spectre parses.</returns>
    internal static string[] NormalizeArguments(string[] args)
    {
        string[] normalized = [.. args.Where((arg, i) => !(arg == "-" && i > 0 && args[i - 1] == "--json"))];
        // 'trace show TRACE' is its own command: Spectre cannot give 'trace' both options and a subcommand.
        return normalized is ["trace", "show", ..] ? ["trace-show", .. normalized[2..]] : normalized;
    }

    private static void Configure(IConfigurator config, CliOutput output, string[] args)
    {
        config.SetApplicationName("writeback");
        config.SetApplicationVersion(Version);
        config.Settings.Console = output.Console;
        // Commands receive the output through their constructor (Spectre's built-in registrar).
        config.Settings.Registrar.RegisterInstance(output);
        config.Settings.StrictParsing = true;
        config.Settings.PropagateExceptions = false;
        config.Settings.CancellationExitCode = ExitCodes.Cancelled;
        config.Settings.ExceptionHandler = (exception, _) => HandleException(exception, output, args);
        config.SetHelpProvider(new WholeExamplesHelpProvider(config.Settings));

        config.AddCommand<CheckCommand>("check")
            .WithDescription("Run crash scenarios under kernel flush-semantics models and report which crash states break them.")
            .WithExample("check")
            .WithExample("check", "--assembly", "My.dll", "--model", "Linux3_16Range", "--json", "report.json")
            .WithExample("check", "--assembly", "My.dll", "--scenario", "my-log", "--seed", "42")
            .WithExample("check", "--json", "-", "--compact");
        config.AddCommand<TraceCommand>("trace")
            .WithDescription("Record any program (ptrace) in a directory, then crash-check it: every post-crash image each kernel model allows is judged by your checker command. The program and its arguments follow '--'. 'trace show TRACE [[--pid P]] [[--around N]] [[--json]]' lists a saved recording.")
            .WithExample("trace", "--dir", "db", "--checker", "./check.sh", "--", "./myprogram", "--commit", "10")
            .WithExample("trace", "--load", "run.trace", "--checker", "./check.sh", "--model", "Linux3_16Range", "--json", "report.json");
        config.AddCommand<Commands.WhatIf.WhatIfCommand>("whatif")
            .WithDescription("Will this semantics change break anyone? Replays every recorded program of the corpus under a baseline and a candidate model: the matrix program x crash kind, and for each program the candidate breaks, where, the shrunk state, the checker's message and the guarantee it relied on.")
            .WithExample("whatif", "--baseline", "Linux2_6_19To3_15WholeFile", "--candidate", "Linux3_16Range")
            .WithExample("whatif", "--baseline", "Linux3_16Range", "--candidate", "my-candidate.json", "--json", "whatif.json");
        config.AddCommand<TraceShowCommand>("trace-show")
            .WithDescription("List a saved recording strace-style: event numbers (as crash points name them), pids, calls with decoded flags and offsets, stores as page ranges, and output lines.")
            .IsHidden(); // typed as 'trace show' (NormalizeArguments)
        config.AddCommand<ScenarioProcessCommand>("scenario-process").IsHidden();
        config.AddBranch("models", models =>
        {
            models.SetDescription("List the kernel models (one line each), or print one's model file to start a candidate from: 'models show NAME'.");
            models.SetDefaultCommand<Commands.Models.ModelsCommand>();
            models.AddCommand<Commands.Models.ModelsShowCommand>("show")
                .WithDescription("Print a model's file: a built-in model as shipped, a model file checked and complete, or 'schema' for the JSON Schema.")
                .WithExample("models", "show", "Linux3_16Range");
        });
        config.AddBranch("corpus", corpus =>
        {
            corpus.SetDescription("The corpus of real programs (corpus/ in the repository): record their traces.");
            corpus.AddCommand<Commands.Corpus.CorpusRecordCommand>("record")
                .WithDescription("Build and record every corpus entry whose runtime is present (others are skipped with the reason): OUT/NAME.trace, replayable without the program, and OUT/manifest.json.")
                .WithExample("corpus", "record")
                .WithExample("corpus", "record", "--only", "sqlite-wal-full", "--out", "traces");
        });
        config.AddCommand<Commands.RealFs.RealFsCommand>("realfs")
            .WithDescription("Run a program on a real file system (ext4, xfs, btrfs) over a logged loop device, then mount every crash image a power cut could leave (journal replay included) and judge it with your checker. The program follows '--'.")
            .WithExample("realfs", "--fs", "ext4", "--checker", "./check.sh", "--crashes", "500", "--", "./myprogram");
        config.AddCommand<BenchCommand>("bench")
            .WithDescription("Measure what durability costs on a file system, per flush strategy, against .NET's MemoryMappedViewAccessor.Flush and the raw system calls.")
            .WithExample("bench", "--quick")
            .WithExample("bench", "--dir", "/mnt/data", "--size", "256", "--out", "results");
        config.AddCommand<InspectCommand>("inspect")
            .WithDescription("Show a file's page-cache state (cached, dirty, under writeback, evicted) as numbers and as a map.")
            .WithExample("inspect", "data.bin")
            .WithExample("inspect", "data.bin", "--watch", "--interval-ms", "250");

        LossyFsCommands.AddTo(config);
    }

    /// <summary>
    /// Turns any exception that escaped a command into one line on stderr, <c>writeback: COMMAND:
    /// …</c>, and an exit code. Usage errors name the option as it was typed.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <param name="output">Where the line goes.</param>
    /// <param name="args">The command line, to name the command and the option as typed.</param>
    /// <returns>The exit code.</returns>
    internal static int HandleException(Exception exception, CliOutput output, IReadOnlyList<string>? args = null)
    {
        args ??= [];
        (int exitCode, string message) = Classify(exception);
        if (exitCode == ExitCodes.Usage)
        {
            message = DescribeUsageError(message, args);
        }

        output.StandardError.WriteLine($"writeback: {WithCommand(message, args)}");
        output.StandardError.Flush();
        return exitCode;
    }

    /// <summary>Prefixes the command's name (<c>bench: </c>, <c>lossyfs crash: </c>) unless the message starts with it already or names no command.</summary>
    private static string WithCommand(string message, IReadOnlyList<string> args)
    {
        string? command = args.Count > 0 && !args[0].StartsWith('-') ? args[0] : null;
        if (command is "lossyfs" or "models" && args.Count > 1 && !args[1].StartsWith('-'))
        {
            command = $"{command} {args[1]}";   // a branch command: name the subcommand that failed
        }
        bool unknownCommand = message.StartsWith("unknown command", StringComparison.Ordinal);
        return command is null || unknownCommand || message.StartsWith(command, StringComparison.Ordinal)
            ? message
            : $"{command}: {message}";
    }

    /// <summary>Spectre's message for an option value of the wrong type.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^Failed to convert '(?<value>.*)' to (?<type>[\w`]+)\.$")]
    private static partial System.Text.RegularExpressions.Regex ConversionFailure();

    /// <summary>Spectre's message for an option the command does not have.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^Unknown option '(?<name>.*)'\.$")]
    private static partial System.Text.RegularExpressions.Regex UnknownOption();

    private static string DescribeUsageError(string message, IReadOnlyList<string> args)
    {
        if (ConversionFailure().Match(message) is { Success: true } conversion)
        {
            return DescribeConversionFailure(conversion.Groups["value"].Value, conversion.Groups["type"].Value, args);
        }

        if (UnknownOption().Match(message) is { Success: true } unknown)
        {
            string name = unknown.Groups["name"].Value;
            string typed = args.LastOrDefault(a => a.StartsWith('-') && a.TrimStart('-').Split('=')[0] == name) ?? (name.Length == 1 ? "-" : "--") + name;
            string command = args.Count > 0 && !args[0].StartsWith('-') ? args[0] + " " : "";
            string suggestion = SuggestOption(typed, args) is { } option ? $" did you mean '{option}'?" : "";
            return $"unknown option '{typed}';{suggestion} 'writeback {command}--help' lists the options.";
        }

        return DescribeUnknownCommand(message, args) ?? message;
    }

    private static string DescribeConversionFailure(string value, string type, IReadOnlyList<string> args)
    {
        int index = -1;
        for (int i = 1; i < args.Count; i++)
        {
            if (args[i] == value && args[i - 1].StartsWith('-'))
            {
                index = i;
            }
        }

        string option = index > 0 ? $" for {args[index - 1]}" : "";
        string expected = type switch
        {
            "UInt64" => $"a whole number from 0 to {ulong.MaxValue}",
            "Int32" or "Int64" or "Nullable`1" => "a whole number",
            _ => $"a value of type {type}",
        };
        return $"invalid value '{value}'{option}: expected {expected}.";
    }

    private static (int ExitCode, string Message) Classify(Exception exception) => exception switch
    {
        // Spectre wraps what a command throws in CommandRuntimeException only for its own
        // validation; a command's exception arrives as itself (PropagateExceptions = false).
        CommandParseException or CommandRuntimeException => (ExitCodes.Usage, OneLine(exception.Message)),
        UsageException => (ExitCodes.Usage, OneLine(exception.Message)),
        Commands.Check.ScenarioFailedException => (ExitCodes.Failed, OneLine(exception.Message)),
        Writeback.Tracing.TraceException => (ExitCodes.Usage, OneLine(exception.Message)),
        ArgumentException => (ExitCodes.Usage, OneLine(exception.Message)),
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled"),
        WritebackException or IOException or UnauthorizedAccessException or PlatformNotSupportedException
            => (ExitCodes.Failed, OneLine(exception.Message)),
        CommandAppException => (ExitCodes.Usage, OneLine(exception.Message)),
        _ => (ExitCodes.Internal, $"internal error ({exception.GetType().Name}): {OneLine(exception.Message)}"),
    };

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
