using System.Globalization;

namespace Writeback.LossyFs.Tests.Programs;

/// <summary>What a post-crash image of the LMDB environment holds.</summary>
/// <param name="OpenResult">The driver's report of <c>mdb_env_open</c> + a read transaction (<c>ok</c>, or the LMDB error).</param>
/// <param name="Ids">The record ids present.</param>
/// <param name="Problems">Records whose value was never written, and driver errors.</param>
internal sealed record LmdbImage(string OpenResult, IReadOnlySet<long> Ids, IReadOnlyList<string> Problems) : IProgramImage
{
    /// <inheritdoc />
    public string Soundness => OpenResult;
}

/// <summary>
/// Drives Debian's liblmdb through a small C program compiled with gcc at test time: the
/// environment is opened with <c>MDB_WRITEMAP</c> (pages are written through a shared writable
/// mapping and made durable by <c>msync(MS_SYNC)</c>), optionally with <c>MDB_NOSYNC</c>. For each
/// id read from stdin it does put + <c>mdb_txn_commit</c> and prints <c>ack N</c> only after the
/// commit returned 0.
/// </summary>
internal sealed class LmdbWorkload : IAcknowledgingWorkload
{
    private const int TimeoutMs = 30_000;

    // The map size must be the same for init, run and verify: with MDB_WRITEMAP, mdb_env_open grows
    // the file to the map size with ftruncate, and init does that before the crash window.
    private const string DriverSource = """
        #include <lmdb.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>

        #define MAP_SIZE (16L << 20)

        static size_t payload(long id, unsigned char *buf) {
            size_t len = 200 + (size_t)(id % 5) * 300;
            for (size_t j = 0; j < len; j++) buf[j] = (unsigned char)((id * 31 + (long)j) & 0xff);
            return len;
        }

        static MDB_env *open_env(const char *dir, unsigned int flags) {
            MDB_env *env;
            int rc = mdb_env_create(&env);
            if (rc == 0) rc = mdb_env_set_mapsize(env, MAP_SIZE);
            if (rc == 0) rc = mdb_env_open(env, dir, flags, 0644);
            if (rc != 0) { printf("open-failed %d %s\n", rc, mdb_strerror(rc)); fflush(stdout); exit(3); }
            return env;
        }

        static int run(const char *dir, unsigned int flags) {
            MDB_env *env = open_env(dir, flags);
            printf("ready\n"); fflush(stdout);
            char line[64];
            unsigned char value[2000];
            while (fgets(line, sizeof line, stdin)) {
                long id = atol(line);
                char key[32];
                snprintf(key, sizeof key, "%016ld", id);
                MDB_txn *txn; MDB_dbi dbi;
                MDB_val k = { strlen(key), key }, v;
                v.mv_size = payload(id, value); v.mv_data = value;
                int rc = mdb_txn_begin(env, NULL, 0, &txn);
                if (rc == 0) rc = mdb_dbi_open(txn, NULL, 0, &dbi);
                if (rc == 0) rc = mdb_put(txn, dbi, &k, &v, 0);
                if (rc == 0) rc = mdb_txn_commit(txn); else mdb_txn_abort(txn);
                if (rc != 0) { fprintf(stderr, "record %ld: %s\n", id, mdb_strerror(rc)); return 2; }
                printf("ack %ld\n", id); fflush(stdout);
            }
            mdb_env_close(env);
            return 0;
        }

        static int verify(const char *dir) {
            MDB_env *env = open_env(dir, MDB_RDONLY);
            MDB_txn *txn; MDB_dbi dbi; MDB_cursor *cur; MDB_val k, v;
            int rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
            if (rc == 0) rc = mdb_dbi_open(txn, NULL, 0, &dbi);
            if (rc == 0) rc = mdb_cursor_open(txn, dbi, &cur);
            if (rc != 0) { printf("open-failed %d %s\n", rc, mdb_strerror(rc)); return 3; }
            printf("ok\n");
            unsigned char expected[2000];
            while ((rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
                char key[32] = {0};
                memcpy(key, k.mv_data, k.mv_size < 31 ? k.mv_size : 31);
                long id = atol(key);
                size_t len = payload(id, expected);
                if (v.mv_size != len || memcmp(v.mv_data, expected, len) != 0) printf("bad %ld\n", id);
                else printf("rec %ld\n", id);
            }
            if (rc != MDB_NOTFOUND) { printf("cursor-failed %d %s\n", rc, mdb_strerror(rc)); return 4; }
            printf("end\n");
            mdb_txn_abort(txn);
            mdb_env_close(env);
            return 0;
        }

        int main(int argc, char **argv) {
            if (argc < 3) { fprintf(stderr, "usage: lmdb-driver init|run|run-nosync|verify DIR\n"); return 1; }
            if (strcmp(argv[1], "init") == 0) { mdb_env_close(open_env(argv[2], MDB_WRITEMAP)); return 0; }
            if (strcmp(argv[1], "run") == 0) return run(argv[2], MDB_WRITEMAP);
            if (strcmp(argv[1], "run-nosync") == 0) return run(argv[2], MDB_WRITEMAP | MDB_NOSYNC);
            if (strcmp(argv[1], "verify") == 0) return verify(argv[2]);
            return 1;
        }
        """;

    private static readonly Lazy<(string? Path, string? Reason)> Driver = new(Compile);
    private readonly ChildProcess _driver;
    private readonly List<long> _acknowledged = [];

    private LmdbWorkload(ChildProcess driver)
    {
        _driver = driver;
    }

    /// <summary>Why the driver cannot be built here (no gcc, no lmdb.h/liblmdb), or null when it can.</summary>
    public static string? UnavailableReason => Driver.Value.Reason;

    /// <summary>The ids LMDB acknowledged (mdb_txn_commit returned 0), in order.</summary>
    public IReadOnlyList<long> Acknowledged => _acknowledged;

    private static (string? Path, string? Reason) Compile()
    {
        string? gcc = ChildProcess.FindOnPath("gcc");
        if (gcc is null)
        {
            return (null, "gcc is not installed (apt-get install gcc)");
        }
        if (!File.Exists("/usr/include/lmdb.h"))
        {
            return (null, "lmdb.h is not installed (apt-get install liblmdb-dev)");
        }
        string directory = Directory.CreateTempSubdirectory("writeback-lmdb-driver-").FullName;
        string source = Path.Combine(directory, "lmdb-driver.c");
        string binary = Path.Combine(directory, "lmdb-driver");
        File.WriteAllText(source, DriverSource);
        (int exitCode, string _, string? error) = ChildProcess.Run(gcc, ["-O1", "-Wall", "-o", binary, source, "-llmdb"], 60_000);
        return exitCode == 0 ? (binary, null) : (null, $"gcc could not build the LMDB driver against liblmdb: {error}");
    }

    /// <summary>Creates the environment in <paramref name="directory"/> before the crash window (LMDB does not fsync the directory after creating data.mdb).</summary>
    public static void CreateEnvironment(string directory)
    {
        (int exitCode, string? output, string? error) = ChildProcess.Run(Driver.Value.Path!, ["init", directory], TimeoutMs);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"lmdb-driver init '{directory}' failed: exit {exitCode}: {output} {error}");
        }
    }

    /// <summary>Opens the environment in <paramref name="directory"/> with MDB_WRITEMAP (and MDB_NOSYNC when <paramref name="noSync"/>).</summary>
    public static LmdbWorkload Start(string directory, bool noSync)
    {
        var child = ChildProcess.Start(Driver.Value.Path!, [noSync ? "run-nosync" : "run", directory], directory);
        var workload = new LmdbWorkload(child);
        string? ready = child.ReadLine(TimeoutMs);
        if (ready != "ready")
        {
            workload.Dispose();
            throw new InvalidOperationException($"lmdb-driver did not open '{directory}': '{ready}' {child.StandardError}");
        }
        return workload;
    }

    /// <summary>Asks for record <paramref name="id"/> to be committed, without waiting.</summary>
    public void Send(long id) => _driver.WriteLine(id.ToString(CultureInfo.InvariantCulture));

    /// <summary>Commits records <paramref name="firstId"/>..<paramref name="lastId"/> and waits for every acknowledgement.</summary>
    public void Commit(long firstId, long lastId)
    {
        for (long id = firstId; id <= lastId; id++)
        {
            Send(id);
        }
        while (_acknowledged.Count == 0 || _acknowledged[^1] != lastId)
        {
            string line = _driver.ReadLine(TimeoutMs)
                ?? throw new InvalidOperationException($"lmdb-driver ended or went silent before record {lastId}; stderr: {_driver.StandardError}");
            Record(line);
        }
    }

    private void Record(string line)
    {
        if (line.StartsWith("ack ", StringComparison.Ordinal))
        {
            _acknowledged.Add(long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Kills the driver (SIGKILL) and keeps any acknowledgement it printed before dying.</summary>
    public void Kill()
    {
        _driver.Kill();
        while (_driver.ReadLine(0) is { } line)
        {
            Record(line);
        }
    }

    /// <summary>Opens the post-crash environment in <paramref name="directory"/> read-only and reads every record.</summary>
    public static LmdbImage Inspect(string directory)
    {
        (int exitCode, string? output, string? error) = ChildProcess.Run(Driver.Value.Path!, ["verify", directory], TimeoutMs);
        var ids = new HashSet<long>();
        var problems = new List<string>();
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (string line in lines)
        {
            if (line.StartsWith("rec ", StringComparison.Ordinal))
            {
                ids.Add(long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture));
            }
            else if (line.StartsWith("bad ", StringComparison.Ordinal))
            {
                ids.Add(long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture));
                problems.Add($"record {line[4..]} has a value that was never written");
            }
        }
        if (exitCode != 0 || !lines.Contains("end"))
        {
            problems.Add($"lmdb-driver verify exit {exitCode}: {string.Join(" / ", lines.Where(l => !l.StartsWith("rec ", StringComparison.Ordinal)))} {error.Trim()}");
        }
        return new LmdbImage(lines.FirstOrDefault() ?? "no output", ids, problems);
    }

    /// <inheritdoc />
    public void Dispose() => _driver.Dispose();
}
