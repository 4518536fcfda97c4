using System.Globalization;

namespace Writeback.LossyFs.Tests.Programs;

/// <summary>How the sqlite3 CLI is configured for one run of the crash workload.</summary>
/// <param name="JournalMode"><c>WAL</c> or a rollback-journal mode (<c>DELETE</c>, <c>TRUNCATE</c>, <c>PERSIST</c>).</param>
/// <param name="Synchronous"><c>OFF</c>, <c>NORMAL</c>, <c>FULL</c> or <c>EXTRA</c>.</param>
/// <param name="MmapSizeBytes"><c>PRAGMA mmap_size</c>: sqlite reads the database through a mapping of this size.</param>
internal sealed record Sqlite3Settings(string JournalMode, string Synchronous, long MmapSizeBytes = 64L << 20)
{
    /// <inheritdoc />
    public override string ToString() => $"journal_mode={JournalMode} synchronous={Synchronous} mmap_size={MmapSizeBytes}";
}

/// <summary>What a post-crash image of the sqlite database holds.</summary>
/// <param name="DatabaseExists">Whether the database file is in the image at all.</param>
/// <param name="IntegrityCheck">The output of <c>PRAGMA integrity_check</c> (<c>ok</c> when sound).</param>
/// <param name="Ids">The ids of the rows present.</param>
/// <param name="Problems">Rows whose payload is not the one written, and sqlite3 errors.</param>
internal sealed record Sqlite3Image(bool DatabaseExists, string IntegrityCheck, IReadOnlySet<long> Ids, IReadOnlyList<string> Problems) : IProgramImage
{
    /// <inheritdoc />
    public string Soundness => IntegrityCheck;
}

/// <summary>
/// Drives the real <c>sqlite3</c> CLI (Debian's, a program no one here wrote) through a pipe: each
/// row is inserted in its own transaction and the CLI echoes <c>ack N</c> only after its COMMIT
/// returned, because the CLI runs with <c>-bail</c> and stops at the first failed statement. So an
/// acknowledged row is one sqlite told its user was committed.
/// </summary>
internal sealed class Sqlite3Workload : IAcknowledgingWorkload
{
    /// <summary>The database file name inside the target directory.</summary>
    public const string DatabaseName = "crash.db";

    private const int StatementTimeoutMs = 30_000;
    private readonly ChildProcess _sqlite3;
    private readonly List<long> _acknowledged = [];

    private Sqlite3Workload(ChildProcess sqlite3)
    {
        _sqlite3 = sqlite3;
    }

    /// <summary>The sqlite3 binary, or null when it is not installed.</summary>
    public static string? Sqlite3Path { get; } = ChildProcess.FindOnPath("sqlite3");

    /// <summary>The ids sqlite3 acknowledged (COMMIT returned), in order.</summary>
    public IReadOnlyList<long> Acknowledged => _acknowledged;

    /// <summary>The row payload for <paramref name="id"/>: several hundred bytes, so rows span pages as the table grows.</summary>
    public static string Payload(long id) =>
        $"row {id.ToString(CultureInfo.InvariantCulture)} " + new string((char)('a' + (id % 26)), 300 + (int)(id % 7) * 50);

    /// <summary>
    /// Creates the database and its table in <paramref name="directory"/> (before the crash window:
    /// sqlite does not fsync the directory after creating the main database file, so a database
    /// created inside the window may vanish as a whole; an installer creates it once, up front).
    /// The WAL journal mode is persistent in the database header, so it is set here too.
    /// </summary>
    public static void CreateDatabase(string directory, Sqlite3Settings settings)
    {
        string script = $"PRAGMA journal_mode={settings.JournalMode};\nCREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n";
        (int exitCode, string _, string? error) = ChildProcess.Run(Sqlite3Path!, ["-bail", "-batch", Path.Combine(directory, DatabaseName)], StatementTimeoutMs, script);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"sqlite3 could not create the database in '{directory}': exit {exitCode}: {error}");
        }
    }

    /// <summary>Opens the database in <paramref name="directory"/> with <paramref name="settings"/> and waits until the CLI is ready.</summary>
    public static Sqlite3Workload Start(string directory, Sqlite3Settings settings)
    {
        var child = ChildProcess.Start(Sqlite3Path!, ["-bail", "-batch", Path.Combine(directory, DatabaseName)], directory);
        var workload = new Sqlite3Workload(child);
        try
        {
            child.WriteLine($"PRAGMA journal_mode={settings.JournalMode};");
            child.WriteLine($"PRAGMA synchronous={settings.Synchronous};");
            child.WriteLine($"PRAGMA mmap_size={settings.MmapSizeBytes.ToString(CultureInfo.InvariantCulture)};");
            child.WriteLine("SELECT 'ready';");
            workload.ReadUntil(line => line == "ready", "the pragmas");
            return workload;
        }
        catch
        {
            workload.Dispose();
            throw;
        }
    }

    /// <summary>Sends the transaction that inserts row <paramref name="id"/>, without waiting for it.</summary>
    public void Send(long id)
    {
        string id10 = id.ToString(CultureInfo.InvariantCulture);
        _sqlite3.WriteLine($"BEGIN; INSERT INTO t(id, v) VALUES({id10}, '{Payload(id)}'); COMMIT; SELECT 'ack {id10}';");
    }

    /// <summary>Sends rows <paramref name="firstId"/>..<paramref name="lastId"/> and waits until all are acknowledged.</summary>
    public void Commit(long firstId, long lastId)
    {
        for (long id = firstId; id <= lastId; id++)
        {
            Send(id);
        }
        ReadUntil(_ => _acknowledged.Count > 0 && _acknowledged[^1] == lastId, $"the commit of row {lastId}");
    }

    private void ReadUntil(Func<string, bool> done, string what)
    {
        while (true)
        {
            string line = _sqlite3.ReadLine(StatementTimeoutMs)
                ?? throw new InvalidOperationException($"sqlite3 ended or went silent before {what}; stderr: {_sqlite3.StandardError}");
            if (line.StartsWith("ack ", StringComparison.Ordinal))
            {
                _acknowledged.Add(long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture));
            }
            if (done(line))
            {
                return;
            }
        }
    }

    /// <summary>Kills sqlite3 (SIGKILL) and keeps any acknowledgement it printed before dying.</summary>
    public void Kill()
    {
        _sqlite3.Kill();
        while (_sqlite3.ReadLine(0) is { } line)
        {
            if (line.StartsWith("ack ", StringComparison.Ordinal))
            {
                _acknowledged.Add(long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>
    /// Opens the post-crash image in <paramref name="directory"/> with a fresh sqlite3 (which runs
    /// sqlite's own recovery: hot-journal rollback or WAL replay), runs <c>PRAGMA integrity_check</c>
    /// and reads every row.
    /// </summary>
    public static Sqlite3Image Inspect(string directory)
    {
        string path = Path.Combine(directory, DatabaseName);
        if (!File.Exists(path))
        {
            return new Sqlite3Image(false, "database file missing", new HashSet<long>(), []);
        }
        var problems = new List<string>();
        (int exitCode, string? output, string? error) = ChildProcess.Run(Sqlite3Path!, ["-bail", "-batch", path], StatementTimeoutMs,
            "PRAGMA integrity_check;\nSELECT 'end-integrity';\nSELECT 'tables', count(*) FROM sqlite_master WHERE name = 't';\n");
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string integrity = string.Join("; ", lines.TakeWhile(l => l != "end-integrity"));
        if (exitCode != 0)
        {
            return new Sqlite3Image(true, $"sqlite3 exit {exitCode}: {error.Trim()} (output: {integrity})", new HashSet<long>(), [error.Trim()]);
        }
        var ids = new HashSet<long>();
        if (lines.Contains("tables|1"))
        {
            ReadRows(path, ids, problems);
        }
        else
        {
            problems.Add("table t is missing");
        }
        return new Sqlite3Image(true, integrity, ids, problems);
    }

    private static void ReadRows(string path, HashSet<long> ids, List<string> problems)
    {
        (int exitCode, string? output, string? error) = ChildProcess.Run(Sqlite3Path!, ["-bail", "-batch", path], StatementTimeoutMs, "SELECT id, v FROM t ORDER BY id;\n");
        if (exitCode != 0)
        {
            problems.Add($"reading rows: sqlite3 exit {exitCode}: {error.Trim()}");
            return;
        }
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int separator = line.IndexOf('|', StringComparison.Ordinal);
            long id = long.Parse(line.AsSpan(0, separator), CultureInfo.InvariantCulture);
            ids.Add(id);
            if (line[(separator + 1)..] != Payload(id))
            {
                problems.Add($"row {id} has a payload that was never written: '{line[(separator + 1)..]}'");
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _sqlite3.Dispose();
}
