using System.Text;
using Writeback.LossyFs.Tests.Programs;
using Writeback.Prng;

namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>The same operations on the mount and on a plain directory give the same results.</summary>
public sealed class FileOperationTests
{
    /// <summary>A script of everyday operations, run against a root directory; returns a description of the resulting tree.</summary>
    private static string RunScript(string root)
    {
        string P(string relative) => Path.Combine(root, relative);
        Directory.CreateDirectory(P("dir/sub"));
        File.WriteAllText(P("a.txt"), "alpha");
        File.AppendAllText(P("a.txt"), "-beta");
        File.WriteAllBytes(P("dir/big.bin"), [.. Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 31))]);
        using (var stream = new FileStream(P("dir/big.bin"), FileMode.Open))
        {
            stream.Position = 1_000_001;
            stream.Write("patch"u8);
            stream.SetLength(2_500_000);
        }
        File.Copy(P("a.txt"), P("dir/sub/copy.txt"));
        File.Move(P("dir/sub/copy.txt"), P("dir/moved.txt"));
        File.CreateSymbolicLink(P("link"), "a.txt");
        File.WriteAllText(P("temp"), "x");
        File.Delete(P("temp"));
        Directory.CreateDirectory(P("empty"));
        Directory.Delete(P("empty"));
        File.WriteAllText(P("dir/over"), "old");
        File.WriteAllText(P("dir/new"), "new");
        File.Move(P("dir/new"), P("dir/over"), overwrite: true);
        Assert.Throws<IOException>(() => Directory.Delete(P("dir")));
        Assert.Throws<IOException>(() => File.Move(P("a.txt"), P("dir/over"), overwrite: false));

        return Describe(root);
    }

    [SkippableFact]
    public void A_script_of_file_operations_gives_the_same_tree_as_a_plain_directory()
    {
        using var mount = TestMount.Create();
        using var plain = new ScratchDirectory("lossyfs-plain");
        string expected = RunScript(plain.Path);
        Assert.Equal(expected, RunScript(mount.Mountpoint));
        // A clean unmount makes all of it durable: the backing directory then equals the plain one.
        mount.FileSystem.Unmount();
        Assert.Equal(expected, Describe(mount.Backing));
    }

    /// <summary>Every entry below <paramref name="root"/>: directories, symbolic links and what they read, file lengths and SHA-256.</summary>
    private static string Describe(string root)
    {
        var description = new StringBuilder();
        foreach (string entry in Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(root, entry);
            var info = new FileInfo(entry);
            if (info.LinkTarget is { } target)
            {
                description.AppendLine($"{relative} -> {target} reads '{File.ReadAllText(entry)}'");
            }
            else if (Directory.Exists(entry))
            {
                description.AppendLine($"{relative}/");
            }
            else
            {
                description.AppendLine($"{relative} {info.Length} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(entry)))}");
            }
        }
        return description.ToString();
    }

    [SkippableFact]
    public void Files_are_served_concurrently()
    {
        using var mount = TestMount.Create();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, index =>
        {
            byte[] data = [.. Enumerable.Repeat((byte)index, 200_000)];
            File.WriteAllBytes(mount.Path($"f{index}"), data);
            Assert.Equal(data, File.ReadAllBytes(mount.Path($"f{index}")));
        });
        Assert.Equal(8, Directory.GetFiles(mount.Mountpoint).Length);
    }

    /// <summary>
    /// Eight threads race creates, writes, renames, unlinks, truncates, mkdir/rmdir and fsyncs over
    /// a few shared names (fixed seeds, a fixed number of operations). Nothing may fail except with
    /// the errors the races explain, and a clean unmount must leave the backing directory equal to
    /// what the mount showed.
    /// </summary>
    [SkippableFact]
    public void Racing_namespace_and_data_operations_end_in_a_backing_directory_equal_to_the_visible_tree()
    {
        using var mount = TestMount.Create();
        var unexpected = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, seed =>
        {
            var random = new DeterministicRandom((ulong)seed + 1);
            for (int step = 0; step < 250; step++)
            {
                string directory = random.Next(10) == 0 ? mount.Mountpoint : mount.Path($"d{random.Next(3)}");
                string file = Path.Combine(directory, $"f{random.Next(8)}");
                string other = mount.Path($"d{random.Next(3)}/f{random.Next(8)}");
                try
                {
                    switch (random.Next(8))
                    {
                        case 0: Directory.CreateDirectory(directory); break;
                        case 1:
                            using (var stream = new FileStream(file, FileMode.OpenOrCreate))
                            {
                                stream.Position = random.Next(50_000);
                                stream.Write(new byte[1 + random.Next(8999)]);
                                stream.Flush(flushToDisk: random.Next(3) == 0);
                            }
                            break;
                        case 2: File.Move(file, other, overwrite: true); break;
                        case 3: File.Delete(file); break;
                        case 4:
                            int fd = Native.open(directory, 0x10000 /* O_DIRECTORY */);
                            if (fd >= 0)
                            {
                                if (Native.fsync(fd) != 0)
                                {
                                    unexpected.Add($"fsync({directory}) failed: errno {Interop.LastErrno}");
                                }
                                Native.close(fd);
                            }
                            break;
                        case 5: Directory.Delete(directory); break;
                        case 6: using (var stream = new FileStream(file, FileMode.Open)) { stream.SetLength(random.Next(20_000)); } break;
                        default: _ = Directory.Exists(directory) ? Directory.GetFileSystemEntries(directory) : []; break;
                    }
                }
                catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException
                                                  || (exception is IOException io && (io.HResult & 0xFFFF) is 39 or 16 or 2 or 20 or 21 or 17)
                                                  || exception.Message.Contains("not empty", StringComparison.OrdinalIgnoreCase)
                                                  || exception.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
                {
                    // ENOENT, ENOTEMPTY, EBUSY, ENOTDIR, EISDIR, EEXIST (mkdir racing rmdir): the other threads moved things.
                }
                catch (Exception exception)
                {
                    unexpected.Add($"{exception.GetType().Name}: {exception.Message}");
                }
            }
        });
        Assert.True(unexpected.IsEmpty, string.Join(Environment.NewLine, unexpected));
        string visible = Describe(mount.Mountpoint);
        mount.FileSystem.Unmount();
        Assert.Equal(visible, Describe(mount.Backing));
    }

    /// <summary>A seeded sequence over LossyFs's SplitMix64, so the choices are the same on every run (the project does not use System.Random).</summary>
    private sealed class DeterministicRandom(ulong seed)
    {
        private ulong _counter;

        public int Next(int exclusiveMaximum) =>
            (int)(SplitMix64.OutputAt(seed ^ SplitMix64.OutputAt(++_counter)) % (ulong)exclusiveMaximum);
    }

    [SkippableFact]
    public void Sqlite3_runs_on_the_mount_in_wal_and_rollback_modes()
    {
        string? sqlite = new[] { "/usr/bin/sqlite3", "/bin/sqlite3" }.FirstOrDefault(File.Exists);
        Skip.If(sqlite is null, "sqlite3 is not installed");
        using var mount = TestMount.Create();
        string Run(string sql)
        {
            // A child process (it maps the database with mmap_size), and bounded: killed after 60 s.
            (int _, string? output, string? error) = Programs.ChildProcess.Run(sqlite!, [mount.Path("t.db"), sql], 60_000);
            return (output + error).Trim();
        }
        Assert.Equal("wal\nok", Run("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES(1),(2); PRAGMA integrity_check;"));
        Assert.Equal("delete\n3\nok", Run("PRAGMA journal_mode=DELETE; PRAGMA mmap_size=1048576; INSERT INTO t VALUES(3); SELECT count(*) FROM t; PRAGMA integrity_check;").Replace("1048576\n", "", StringComparison.Ordinal));
    }
}
