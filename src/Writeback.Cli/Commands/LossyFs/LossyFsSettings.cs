using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary>Settings shared by the commands that address a running mount.</summary>
internal class LossyFsMountpointSettings : CommandSettings
{
    /// <summary>The mount point.</summary>
    [CommandArgument(0, "<MOUNTPOINT>")]
    [Description("The LossyFs mount point.")]
    public string Mountpoint { get; init; } = "";

    /// <summary>JSON output.</summary>
    [CommandOption("--json")]
    [Description("Print the result as one JSON object on standard output (errors stay one line on standard error).")]
    public bool Json { get; init; }
}

/// <summary>Helpers shared by the lossyfs commands.</summary>
internal static class LossyFsSettings
{
    /// <summary>Writes one plain line on standard output (never wrapped: paths stay whole).</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="line">The line.</param>
    public static void WriteLine(CliOutput output, string line)
    {
        output.StandardOutput.WriteLine(line);
        output.StandardOutput.Flush();
    }

    /// <summary>Writes one JSON object on standard output.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="json">The object.</param>
    public static void WriteJson(CliOutput output, System.Text.Json.Nodes.JsonObject json)
    {
        output.StandardOutput.WriteLine(json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        output.StandardOutput.Flush();
    }
}

/// <summary>Options of <c>writeback lossyfs mount</c>.</summary>
internal sealed class LossyFsMountSettings : LossyFsMountpointSettings
{
    /// <summary>The backing directory.</summary>
    [CommandOption("--backing <DIR>")]
    [Description("The directory to serve. It holds only durable data: after a crash it is the post-crash image.")]
    public string Backing { get; init; } = "";

    /// <summary>Detach from the terminal.</summary>
    [CommandOption("--daemon")]
    [Description("Run in the background (re-executed with setsid); returns once the mount is up. Output goes to a log file next to the control socket.")]
    public bool Daemon { get; init; }

    /// <summary>LazyFS behaviour for names.</summary>
    [CommandOption("--names-durable-immediately")]
    [Description("Apply creates, unlinks and renames to the backing directory at once (LazyFS behaviour) instead of at fsync of their directory.")]
    public bool NamesDurableImmediately { get; init; }

    /// <summary>Reader threads.</summary>
    [CommandOption("--threads <N>")]
    [Description("Threads serving FUSE requests concurrently.")]
    [DefaultValue(4)]
    public int Threads { get; init; } = 4;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrEmpty(Backing))
        {
            return ValidationResult.Error("--backing DIR is required.");
        }
        return Threads is < 1 or > 64 ? ValidationResult.Error($"--threads must be between 1 and 64, not {Threads}.") : ValidationResult.Success();
    }
}

/// <summary>Options of <c>writeback lossyfs crash</c>.</summary>
internal sealed class LossyFsCrashSettings : LossyFsMountpointSettings
{
    /// <summary>What survives.</summary>
    [CommandOption("--keep <none|random>")]
    [Description("none: every unsynced write is lost; random: a seeded subset reaches the disk, torn at --atomic-write-bytes.")]
    [DefaultValue("none")]
    public string Keep { get; init; } = "none";

    /// <summary>Seed for --keep random.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of the subset kept by --keep random (printed, so a run can be repeated).")]
    [DefaultValue(0UL)]
    public ulong Seed { get; init; }

    /// <summary>Tear unit.</summary>
    [CommandOption("--atomic-write-bytes <N>")]
    [Description("Unit a write tears at with --keep random: 512 for sectors, 4096 for pages.")]
    [DefaultValue(4096)]
    public int AtomicWriteBytes { get; init; } = 4096;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Keep is not ("none" or "random"))
        {
            return ValidationResult.Error($"--keep must be none or random, not '{Keep}'.");
        }
        return AtomicWriteBytes <= 0 || AtomicWriteBytes % 512 != 0
            ? ValidationResult.Error($"--atomic-write-bytes must be a positive multiple of 512, not {AtomicWriteBytes}.")
            : ValidationResult.Success();
    }
}

/// <summary>Options of <c>writeback lossyfs fault</c>.</summary>
internal sealed class LossyFsFaultSettings : LossyFsMountpointSettings
{
    /// <summary>File path inside the mount.</summary>
    [CommandOption("--path <P>")]
    [Description("The file, as a path inside the mount (e.g. /db/data.mdb).")]
    public string? FilePath { get; init; }

    /// <summary>Operation.</summary>
    [CommandOption("--op <write|fsync>")]
    [Description("write: the kernel's writes of the file's data fail (write(2) or page writeback); fsync: fsync/fdatasync/msync(MS_SYNC) fail.")]
    public string? Operation { get; init; }

    /// <summary>errno name.</summary>
    [CommandOption("--errno <EIO|ENOSPC>")]
    [Description("The error to fail with.")]
    [DefaultValue("EIO")]
    public string Errno { get; init; } = "EIO";

    /// <summary>Offset range.</summary>
    [CommandOption("--offset <A-B>")]
    [Description("With --op write: only writes overlapping bytes [[A, B) fail (A inclusive, B exclusive).")]
    public string? Offset { get; init; }

    /// <summary>How many times.</summary>
    [CommandOption("--count <N>")]
    [Description("Fail this many matching requests, then stop. Default: every one until unmount.")]
    public int? Count { get; init; }

    /// <summary>Clear all faults.</summary>
    [CommandOption("--clear")]
    [Description("Disarm every fault instead of adding one.")]
    public bool Clear { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Clear)
        {
            return ValidationResult.Success();
        }
        if (string.IsNullOrEmpty(FilePath) || Operation is not ("write" or "fsync"))
        {
            return ValidationResult.Error("fault needs --path P and --op write|fsync (or --clear).");
        }
        if (Errno is not ("EIO" or "ENOSPC"))
        {
            return ValidationResult.Error($"--errno must be EIO or ENOSPC, not '{Errno}'.");
        }
        if (Count is < 1)
        {
            return ValidationResult.Error($"--count must be at least 1, not {Count}.");
        }
        return Offset is not null && TryParseRange(Offset) is null
            ? ValidationResult.Error($"--offset must be A-B with 0 <= A < B, not '{Offset}'.")
            : ValidationResult.Success();
    }

    /// <summary>Parses "A-B".</summary>
    public static (long Start, long End)? TryParseRange(string text)
    {
        string[] parts = text.Split('-');
        return parts.Length == 2
               && long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out long start)
               && long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out long end)
               && start >= 0 && end > start
            ? (start, end)
            : null;
    }
}
