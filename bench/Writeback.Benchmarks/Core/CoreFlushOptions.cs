using System.Globalization;

namespace Writeback.Benchmarks.Core;

/// <summary>The <c>core-flush</c> harness's command line, parsed.</summary>
internal sealed record CoreFlushOptions
{
    public const string Usage =
        "core-flush [--quick] [--dir DIR] [--json FILE] [--only Threads,S1,S2,S3,S3first,S4] [--rounds N] [--create-write-bytes N] [--poll-us N]\n" +
        "  --quick      a short smoke run (smaller sizes, 2-3 rounds); its figures are not the targets' measurement\n" +
        "  --dir DIR    where the data files go (default /var/tmp/writeback-bench); must be a real disk, not tmpfs\n" +
        "  --json FILE  also write every sample, median, p90 and target verdict as JSON ('-' for stdout)\n" +
        "  --only LIST  run only these scenarios\n" +
        "  --rounds N   measured rounds per scenario instead of the defaults\n" +
        "  --create-write-bytes N  write(2) size used to create the data files (default 4096): sets the page-cache folio size\n" +
        "  --poll-us N  S3: sleep between cachestat polls (default 200)";

    public static readonly IReadOnlyList<string> AllScenarios = ["Threads", "S1", "S2", "S3", "S3first", "S4"];

    public bool Quick { get; init; }

    public string DirectoryPath { get; init; } = "/var/tmp/writeback-bench";

    public string? JsonPath { get; init; }

    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;

    public int? Rounds { get; init; }

    /// <summary>The write(2) size the data files are created with; see <see cref="BenchFiles.Create"/>.</summary>
    public int CreateWriteBytes { get; init; } = 4096;

    /// <summary>S3's sleep between two cachestat polls, in microseconds.</summary>
    public int PollIntervalUs { get; init; } = 200;

    /// <summary>Measured rounds for a scenario: <c>--rounds</c>, or the scenario's default for this mode.</summary>
    public int RoundsOr(int fullRounds, int quickRounds) => Rounds ?? (Quick ? quickRounds : fullRounds);

    /// <summary>Parses the arguments after the harness name; throws <see cref="ArgumentException"/> on anything unknown.</summary>
    public static CoreFlushOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CoreFlushOptions();
        for (int index = 0; index < args.Count; index++)
        {
            string Value() => index + 1 < args.Count ? args[++index] : throw new ArgumentException($"{args[index]} needs a value");
            options = args[index] switch
            {
                "--quick" => options with { Quick = true },
                "--dir" => options with { DirectoryPath = Value() },
                "--json" => options with { JsonPath = Value() },
                "--only" => options with { Scenarios = ParseScenarios(Value()) },
                "--rounds" => options with { Rounds = ParsePositive(Value()) },
                "--create-write-bytes" => options with { CreateWriteBytes = ParsePositive(Value()) },
                "--poll-us" => options with { PollIntervalUs = ParsePositive(Value()) },
                var unknown => throw new ArgumentException($"unknown argument '{unknown}'"),
            };
        }
        return options;
    }

    private static string[] ParseScenarios(string list)
    {
        string[] names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(n => AllScenarios.FirstOrDefault(a => a.Equals(n, StringComparison.OrdinalIgnoreCase)) ?? n).ToArray();
        string[] unknown = names.Except(AllScenarios).ToArray();
        return unknown.Length == 0 ? names : throw new ArgumentException($"unknown scenario(s) {string.Join(", ", unknown)}");
    }

    private static int ParsePositive(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"expected a positive integer, not '{text}'");
}
