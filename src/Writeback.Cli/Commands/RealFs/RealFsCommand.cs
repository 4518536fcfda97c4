using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console.Cli;
using Writeback.Formatting;
using Writeback.LossyFs.RealFs;

namespace Writeback.Cli.Commands.RealFs;

/// <summary>
/// <c>writeback realfs --fs ext4 --checker CMD -- PROGRAM ARGS</c>: runs a program on a real file
/// system over a logged block device, then mounts and checks every crash image the log allows.
/// </summary>
internal sealed class RealFsCommand : OutputCommand<RealFsSettings>
{
    /// <summary>Creates the command.</summary>
    /// <param name="output">Where it writes.</param>
    public RealFsCommand(CliOutput output)
        : base(output)
    {
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, RealFsSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<string> program = context.Remaining.Raw;
        if (settings.Checker is null)
        {
            throw new UsageException("realfs: --checker 'CMD' is required: it judges each mounted crash image.");
        }
        if (program.Count == 0)
        {
            throw new UsageException("realfs: give the program to run after '--'.");
        }
        FileSystemKind kind = FileSystemTools.Parse(settings.FileSystem);
        if (FileSystemTools.MissingReason(kind) is { } reason)
        {
            throw new UsageException($"realfs: cannot run on {settings.FileSystem} here: {reason}.");
        }
        var options = new RealFsOptions
        {
            FileSystem = kind,
            MkfsOptions = settings.MkfsOptions,
            MountOptions = settings.MountOptions,
            SizeMiB = settings.SizeMiB,
            Crashes = settings.Crashes,
            Seed = settings.Seed,
            TornWrites = settings.Torn,
            Fsck = !settings.NoFsck,
            Checker = settings.Checker,
            CheckerTimeout = TimeSpan.FromSeconds(settings.CheckerTimeoutSeconds),
            Setup = settings.Setup,
            Program = program[0],
            Arguments = [.. program.Skip(1)],
            ProgramTimeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
        };
        bool jsonToStdout = settings.Json == "-";
        using var runner = new RealFsRunner(options, cancellationToken, jsonToStdout ? null : line => Output.StandardError.WriteLine($"realfs: {line}"));
        RealFsReport report = runner.Run();
        if (settings.Json is { } jsonPath)
        {
            string json = ToJson(report, options).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            if (jsonToStdout)
            {
                Output.StandardOutput.WriteLine(json);
            }
            else
            {
                File.WriteAllText(jsonPath, json + "\n");
            }
        }
        if (!jsonToStdout)
        {
            WriteSummary(report, options);
        }
        return report.Passed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private void WriteSummary(RealFsReport report, RealFsOptions options)
    {
        TextWriter writer = Output.StandardOutput;
        writer.WriteLine($"writeback realfs: {options.Program} on {report.FileSystem} ({report.MountOptions}, {report.SizeMiB} MiB): "
                         + $"{Counted.Of(report.Writes, "write")} ({Counted.Of(report.WrittenBytes, "byte")}), {Counted.Of(report.Flushes, "flush", "flushes")}, "
                         + $"{Counted.Of(report.ZeroedRanges, "zeroed range")}, {Counted.Of(report.Epochs, "epoch")}");
        double rate = report.CheckSeconds > 0 ? report.Images.Count / report.CheckSeconds : 0;
        writer.WriteLine($"{Counted.Of(report.Images.Count, "crash image")} mounted and checked in {report.CheckSeconds:0.0} s ({rate:0.0} per second); "
                         + $"{report.Images.Count(i => !i.Passed)} failed, {report.Images.Count(i => i.MountFailed)} did not mount, {report.Images.Count(i => i.FsckClean == false)} not clean under fsck");
        writer.WriteLine("outcomes (checker's first line):");
        foreach (IGrouping<(bool Passed, string), CrashImageResult>? group in report.Images.GroupBy(i => (i.Passed, i.Outcome ?? "(no output)")).OrderBy(g => g.Key.Item2, StringComparer.Ordinal))
        {
            writer.WriteLine($"  {(group.Key.Passed ? "pass" : "FAIL")} {group.Count(),6}  {group.Key.Item2}");
        }
        foreach (CrashImageResult? image in report.Images.Where(i => !i.Passed || i.FsckClean == false).Take(10))
        {
            writer.WriteLine($"  {image.CrashPoint}: {(image.Passed ? "" : image.Outcome)}{(image.FsckClean == false ? $" [fsck: {image.FsckMessage}]" : "")}");
        }
        writer.Flush();
    }

    private static JsonObject ToJson(RealFsReport report, RealFsOptions options) => new()
    {
        ["mode"] = "realfs",
        ["fileSystem"] = report.FileSystem,
        ["mountOptions"] = report.MountOptions,
        ["sizeMiB"] = report.SizeMiB,
        ["program"] = options.Program,
        ["arguments"] = new JsonArray([.. options.Arguments.Select(a => (JsonNode?)a)]),
        ["seed"] = options.Seed,
        ["torn"] = options.TornWrites,
        ["writes"] = report.Writes,
        ["writtenBytes"] = report.WrittenBytes,
        ["flushes"] = report.Flushes,
        ["zeroedRanges"] = report.ZeroedRanges,
        ["epochs"] = report.Epochs,
        ["checkSeconds"] = report.CheckSeconds,
        ["passed"] = report.Passed,
        ["output"] = report.Output,
        ["images"] = new JsonArray([.. report.Images.Select(i => (JsonNode?)new JsonObject
        {
            ["index"] = i.Index,
            ["crashPoint"] = i.CrashPoint,
            ["passed"] = i.Passed,
            ["outcome"] = i.Outcome,
            ["mountFailed"] = i.MountFailed,
            ["fsckClean"] = i.FsckClean,
            ["fsckMessage"] = i.FsckMessage,
        })]),
    };
}
