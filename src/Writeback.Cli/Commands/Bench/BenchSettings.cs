using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Bench;

/// <summary>Options of <c>writeback bench</c>.</summary>
internal sealed class BenchSettings : JsonSettings
{
    /// <summary>Where the measured files live; its file system is what is measured.</summary>
    [CommandOption("-d|--dir <DIR>")]
    [Description("Directory whose file system is measured. Each strategy writes its own file there and deletes it. Default: the current directory.")]
    public string? Directory { get; init; }

    /// <summary>File size in MiB.</summary>
    [CommandOption("-s|--size <MIB>")]
    [Description("Size of each strategy's file in MiB. Default 64 (8 with --quick).")]
    public int? SizeMib { get; init; }

    /// <summary>A short run.</summary>
    [CommandOption("-q|--quick")]
    [Description("A run of a few seconds: 8 MiB files, 40 iterations, 32 background pages. Explicit options still win.")]
    public bool Quick { get; init; }

    /// <summary>Timed iterations per strategy.</summary>
    [CommandOption("-n|--iterations <N>")]
    [Description("Timed commits per strategy (per committer for FlushAsync). Default 200 (40 with --quick).")]
    public int? Iterations { get; init; }

    /// <summary>Pages dirtied elsewhere in the file per commit.</summary>
    [CommandOption("--dirty-pages <N>")]
    [Description("Pages dirtied elsewhere in the file before each commit: data a whole-file flush must also write. Default 256 (32 with --quick).")]
    public int? BackgroundDirtyPages { get; init; }

    /// <summary>Rounds.</summary>
    [CommandOption("-r|--rounds <N>")]
    [Description("Run the strategies N times in turn (alternating order, a fresh file each time) and pool the samples, so that load changes on a shared machine hit every strategy alike. Default 3 (1 with --quick).")]
    public int? Rounds { get; init; }

    /// <summary>Committers for FlushAsync.</summary>
    [CommandOption("-c|--concurrency <N>")]
    [Description("Concurrent committers for the FlushAsync (group commit) strategy.")]
    [DefaultValue(4)]
    public int Concurrency { get; init; } = 4;

    /// <summary>Only strategies whose names contain one of these.</summary>
    [CommandOption("--strategy <NAME>")]
    [Description("Measure only the strategies whose name contains NAME (case-insensitive); repeatable. Default: all.")]
    public string[] Strategies { get; init; } = [];

    /// <summary>Where the chart and the JSON report go.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Directory for the PNG chart and the JSON report (writeback-bench.png and writeback-bench.json), created if missing. Default: the current directory, whatever --dir is.")]
    public string? OutDirectory { get; init; }

    /// <summary>The chart's file name.</summary>
    [CommandOption("--chart <FILE.png>")]
    [Description("The chart's file, relative to --out; the JSON report is written next to it with the extension .json. Default: writeback-bench.png.")]
    public string? ChartPath { get; init; }

    /// <summary>Skip the chart and the JSON next to it.</summary>
    [CommandOption("--no-chart")]
    [Description("Write neither the chart nor the JSON report next to it (--json still works). Contradicts --chart and --out.")]
    public bool NoChart { get; init; }

    /// <summary>The chart's full path, or <see langword="null"/> with <c>--no-chart</c>.</summary>
    /// <returns>The path.</returns>
    public string? FullChartPath() => NoChart
        ? null
        : Path.GetFullPath(Path.Combine(OutDirectory ?? Environment.CurrentDirectory, ChartPath ?? "writeback-bench.png"));

    /// <summary>The workload these settings describe.</summary>
    /// <returns>The workload.</returns>
    public BenchWorkload ToWorkload() => new(
        FileBytes: (long)(SizeMib ?? (Quick ? 8 : 64)) << 20,
        RecordBytes: 4096,
        BackgroundDirtyPages: BackgroundDirtyPages ?? (Quick ? 32 : 256),
        Iterations: Iterations ?? (Quick ? 40 : 200),
        WarmupIterations: Quick ? 3 : 10,
        Concurrency: Concurrency,
        PageSizeBytes: Environment.SystemPageSize,
        Rounds: Rounds ?? (Quick ? 1 : 3));

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (SizeMib is < 1 or > 65536)
        {
            return ValidationResult.Error($"--size must be between 1 and 65536 MiB, not {SizeMib}.");
        }

        if (Iterations is < 1 or > 1_000_000)
        {
            return ValidationResult.Error($"--iterations must be between 1 and 1000000, not {Iterations}.");
        }

        if (Rounds is < 1 or > 1000)
        {
            return ValidationResult.Error($"--rounds must be between 1 and 1000, not {Rounds}.");
        }

        if (BackgroundDirtyPages is < 0)
        {
            return ValidationResult.Error($"--dirty-pages must be zero or more, not {BackgroundDirtyPages}.");
        }

        if (Concurrency is < 1 or > 256)
        {
            return ValidationResult.Error($"--concurrency must be between 1 and 256, not {Concurrency}.");
        }

        if (NoChart && (ChartPath is not null || OutDirectory is not null))
        {
            return ValidationResult.Error($"--no-chart contradicts {(ChartPath is not null ? "--chart" : "--out")}: "
                                          + "give --no-chart to write no chart, or --chart/--out to say where it goes.");
        }

        if (ChartPath is not null && !ChartPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            return ValidationResult.Error($"--chart must name a .png file, not '{ChartPath}'.");
        }

        return ValidationResult.Success();
    }
}
