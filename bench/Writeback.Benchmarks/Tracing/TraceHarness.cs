using System.Diagnostics;
using System.Globalization;
using Writeback.Simulation;
using Writeback.Tracing;

namespace Writeback.Benchmarks.Tracing;

/// <summary>
/// <c>writeback trace</c>'s targets (issue 10), side by side in one process:
/// recording sqlite3 with N single-row transactions (default 200) against the same workload
/// untraced and under <c>strace -f</c> tracing the same system calls; and exploring + checking the
/// sqlite3 WAL workload with 20 transactions under both Linux models and all three crash kinds.
/// <c>dotnet run -c Release --project bench/Writeback.Benchmarks -- trace [runs] [transactions] [explore-transactions] [parent-directory]</c>
/// </summary>
public sealed class TraceHarness : IHarness
{
    /// <summary>The system calls the recorder decodes, for strace's -e trace= (the same calls, as the target asks).</summary>
    private const string DecodedCalls =
        "open,openat,openat2,creat,close,close_range,dup,dup2,dup3,fcntl,write,writev,pwrite64,pwritev,pwritev2,ftruncate,truncate,"
        + "fallocate,fsync,fdatasync,sync_file_range,sync,syncfs,mmap,munmap,mremap,msync,rename,renameat,renameat2,unlink,unlinkat,"
        + "mkdir,mkdirat,rmdir,link,linkat,symlink,symlinkat,sendfile,copy_file_range,splice,io_uring_setup,clone,clone3,fork,vfork,"
        + "execve,execveat,exit_group";

    private const string Checker = """
        db="$WRITEBACK_IMAGE/test.db"
        acked=$(grep -o 'ack [0-9]*' "$WRITEBACK_OUTPUT" | tail -n1 | cut -d' ' -f2); acked=${acked:-0}
        [ -f "$db" ] || { echo "test.db is missing"; exit 1; }
        result=$(sqlite3 "$db" "PRAGMA integrity_check;" 2>&1 | head -n1)
        [ "$result" = "ok" ] || { echo "integrity_check: $result"; exit 1; }
        rows=$(sqlite3 "$db" "SELECT count(*) FROM t;" 2>&1)
        [ "$rows" -ge "$acked" ] 2>/dev/null || { echo "$rows rows but $acked inserts were acknowledged"; exit 1; }
        """;

    public string Name => "trace";

    public string Description => "trace: recording sqlite3 (200 transactions) vs untraced vs strace -f; exploring sqlite3 WAL (20 transactions), both Linux models x 3 crash kinds";

    public int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        int transactions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        int exploreTransactions = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
        string sqlite = Which("sqlite3") ?? throw new InvalidOperationException("sqlite3 is not installed");
        string strace = Which("strace") ?? throw new InvalidOperationException("strace is not installed");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, "
                          + $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; {runs} runs, medians; {sqlite} --version: {Output(sqlite, "--version").Split(' ')[0]}");
        // Default: the real disk (/var/tmp), where sqlite3's fsyncs are part of what is measured; a tmpfs
        // such as /dev/shm (fsync costs nothing there) isolates what the tracing itself costs.
        string parent = args.Length > 3 ? args[3] : Directory.Exists("/var/tmp") ? "/var/tmp" : Path.GetTempPath();
        string root = Directory.CreateDirectory(Path.Combine(parent, "writeback-trace-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        Console.WriteLine($"directory: {parent}");
        try
        {
            Recording(root, sqlite, strace, runs, transactions);
            Explore(root, sqlite, exploreTransactions);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
        return 0;
    }

    private static void Recording(string root, string sqlite, string strace, int runs, int transactions)
    {
        string script = Script("DELETE", "FULL", transactions);
        (List<double>? untraced, List<double>? straced, List<double>? recorded) = (new List<double>(), new List<double>(), new List<double>());
        long systemCalls = 0, events = 0;
        for (int run = 0; run < runs; run++)
        {
            // Each candidate starts from the same fresh database; the order rotates so drift hits all alike.
            for (int turn = 0; turn < 3; turn++)
            {
                string directory = FreshDatabase(root, sqlite, "DELETE");
                var stopwatch = Stopwatch.StartNew();
                switch ((turn + run) % 3)
                {
                    case 0:
                        Wait(sqlite, directory, ["test.db", script]);
                        untraced.Add(stopwatch.Elapsed.TotalMilliseconds);
                        break;
                    case 1:
                        Wait(strace, directory, ["-f", "-qq", "-o", "/dev/null", "-e", "trace=" + DecodedCalls, sqlite, "test.db", script]);
                        straced.Add(stopwatch.Elapsed.TotalMilliseconds);
                        break;
                    default:
                        Recording recording = TraceRecorder.Record(new RecorderOptions { Directory = directory, Program = sqlite, Arguments = ["test.db", script] });
                        recorded.Add(stopwatch.Elapsed.TotalMilliseconds);
                        (systemCalls, events) = (recording.SystemCallCount, recording.Events.Count);
                        break;
                }
                Directory.Delete(directory, recursive: true);
            }
        }
        (double u, double s, double r) = (Statistics.Median(untraced), Statistics.Median(straced), Statistics.Median(recorded));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"recording sqlite3, {transactions} single-row transactions (journal_mode=DELETE, synchronous=FULL; {systemCalls} system calls, {events} recorded events):"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  untraced                  {u,8:F0} ms   (runs: {string.Join(", ", untraced.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  strace -f -e trace=...    {s,8:F0} ms   (runs: {string.Join(", ", straced.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  writeback trace recorder  {r,8:F0} ms   (runs: {string.Join(", ", recorded.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  recorder / strace = {r / s:F2} (target <= 1.5); recorder / untraced = {r / u:F2}"));
    }

    private static void Explore(string root, string sqlite, int transactions)
    {
        string directory = FreshDatabase(root, sqlite, "WAL");
        Recording recording = TraceRecorder.Record(new RecorderOptions { Directory = directory, Program = sqlite, Arguments = ["test.db", Script("WAL", "FULL", transactions)] });
        string checker = Path.Combine(root, "check.sh");
        File.WriteAllText(checker, Checker);
        var stopwatch = Stopwatch.StartNew();
        var scenario = new TraceScenario(recording, new CheckerOptions { Command = "sh " + checker, IgnoredPaths = ["*-shm"] });
        SimulationRecord record = CrashExplorer.Record(scenario);
        long states = 0;
        var verdicts = new List<string>();
        foreach (KernelModel? model in new[] { KernelModel.Linux2_6_19To3_15WholeFile, KernelModel.Linux3_16Range })
        {
            CrashReport report = new CrashExplorer(model).Explore(record, scenario);
            scenario.ThrowIfCheckerFailed();
            states += report.StatesChecked;
            verdicts.Add($"{model.Name}: {(report.Failures.Count == 0 ? "pass" : $"{report.Failures.Count} failures")}");
        }
        double seconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exploring sqlite3 WAL (synchronous=FULL), {transactions} transactions, both Linux models x 3 crash kinds, --ignore '*-shm': "
            + $"{record.CrashPointCount} crash points, {states} states, {scenario.DistinctImages} distinct images+outputs, {scenario.CheckerRuns} checker runs "
            + $"in {seconds:F1} s = {scenario.CheckerRuns / seconds:F1} runs/s (target <= 120 s); {string.Join("; ", verdicts)}"));
    }

    private static string Script(string journalMode, string synchronous, int transactions) =>
        $"PRAGMA journal_mode={journalMode}; PRAGMA synchronous={synchronous};\n"
        + string.Concat(Enumerable.Range(1, transactions).Select(i => $"INSERT INTO t(v) VALUES('row {i}'); SELECT 'ack {i}';\n"));

    private static string FreshDatabase(string root, string sqlite, string journalMode)
    {
        string directory = Directory.CreateDirectory(Path.Combine(root, "db-" + Guid.NewGuid().ToString("N"))).FullName;
        Wait(sqlite, directory, ["test.db", $"PRAGMA journal_mode={journalMode}; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"]);
        return directory;
    }

    private static void Wait(string program, string directory, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}");
        }
    }

    private static string Output(string program, string argument)
    {
        using Process process = Process.Start(new ProcessStartInfo(program, argument) { RedirectStandardOutput = true })!;
        string text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }

    private static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
