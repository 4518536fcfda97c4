using System.ComponentModel;
using Spectre.Console.Cli;
using Writeback.Simulation.Examples;
using Writeback.Tracing;

namespace Writeback.Cli.Commands.Trace;

/// <summary>
/// Hidden <c>writeback scenario-process run|check NAME</c>: a bundled example as a real process, for
/// <c>writeback trace</c> (<c>run</c> in the traced directory; <c>check</c> as its checker, reading
/// <c>WRITEBACK_IMAGE</c>, <c>WRITEBACK_OUTPUT</c> and <c>WRITEBACK_CRASH_KIND</c>). Used by the
/// tests that compare the two front ends.
/// </summary>
internal sealed class ScenarioProcessCommand(CliOutput output) : OutputCommand<ScenarioProcessCommand.Settings>(output)
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ICrashScenario scenario = BundledScenarios.All.Select(b => b.Scenario)
            .FirstOrDefault(s => string.Equals(s.Name, settings.Name, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"scenario-process: no bundled scenario named '{settings.Name}'.");
        switch (settings.Mode)
        {
            case "run":
                // The recorder refuses io_uring (its submissions are not system calls it can see), so the
                // workload's MappedFiles use the library's thread-pool engine, whose calls it records.
                Environment.SetEnvironmentVariable("WRITEBACK_IO_URING", "0");
                ScenarioProcess.Run(scenario, Environment.CurrentDirectory, Console.Out);
                return ExitCodes.Ok;
            case "check":
                CrashKind kind = Enum.Parse<CrashKind>(Required("WRITEBACK_CRASH_KIND"));
                CheckResult result = ScenarioProcess.Check(scenario, Required("WRITEBACK_IMAGE"), Required("WRITEBACK_OUTPUT"), kind);
                if (!result.Passed)
                {
                    Console.Out.WriteLine(result.Message);
                }
                return result.Passed ? ExitCodes.Ok : ExitCodes.Failed;
            default:
                throw new UsageException($"scenario-process: mode must be 'run' or 'check', not '{settings.Mode}'.");
        }
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) ?? throw new UsageException($"scenario-process check: {name} is not set (run it as a writeback trace checker, with --checker-uses-context).");

    /// <summary>Arguments of the hidden command.</summary>
    internal sealed class Settings : CommandSettings
    {
        /// <summary>run or check.</summary>
        [CommandArgument(0, "<MODE>")]
        [Description("run (the workload, in the current directory) or check (the checker, on WRITEBACK_IMAGE).")]
        public string Mode { get; init; } = "";

        /// <summary>The bundled scenario's name.</summary>
        [CommandArgument(1, "<NAME>")]
        [Description("A bundled scenario's name.")]
        public string Name { get; init; } = "";
    }
}
