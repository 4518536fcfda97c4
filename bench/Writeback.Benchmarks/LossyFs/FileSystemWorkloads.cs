using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using Writeback.Prng;

namespace Writeback.Benchmarks.LossyFs;

/// <summary>The three workloads of issue 5, each run in a mount point and timed end to end.</summary>
internal static class FileSystemWorkloads
{
    private const int ChunkBytes = 1 << 20;
    private const int ReadBytes = 4096;

    /// <summary>Writes <paramref name="totalBytes"/> sequentially in 1 MiB writes, then fsync; returns MiB/s (fsync included).</summary>
    public static double SequentialWriteThenFsync(string mountPoint, long totalBytes)
    {
        string path = Path.Combine(mountPoint, "sequential.bin");
        byte[] chunk = new byte[ChunkBytes];
        new SplitMix64(1).Fill(chunk);
        var clock = Stopwatch.StartNew();
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            for (long written = 0; written < totalBytes; written += ChunkBytes)
            {
                stream.Write(chunk);
            }
            stream.Flush(flushToDisk: true); // fsync(2)
        }
        return totalBytes / (1024.0 * 1024.0) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// <paramref name="readCount"/> 4 KiB preads at seeded page-aligned offsets of the file the
    /// sequential workload left; returns reads per second. The file's pages are dropped from the
    /// FUSE inode's page cache first (POSIX_FADV_DONTNEED) and readahead is off (POSIX_FADV_RANDOM),
    /// so each read that misses is one FUSE READ served by the file system under test (the backing
    /// file itself stays in the host's page cache, for both).
    /// </summary>
    public static double RandomReads(string mountPoint, int readCount, ulong seed)
    {
        string path = Path.Combine(mountPoint, "sequential.bin");
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        long length = RandomAccess.GetLength(handle);
        // The same descriptor for the shared interop declaration; `handle` owns it and outlives this one.
        using (var fd = new Writeback.Native.SafeFileDescriptorHandle((int)handle.DangerousGetHandle(), ownsHandle: false))
        {
            Check(global::Interop.Libc.posix_fadvise(fd, 0, 0, global::Interop.Libc.POSIX_FADV_DONTNEED), "POSIX_FADV_DONTNEED", path);
            Check(global::Interop.Libc.posix_fadvise(fd, 0, 0, global::Interop.Libc.POSIX_FADV_RANDOM), "POSIX_FADV_RANDOM", path);
        }
        byte[] buffer = new byte[ReadBytes];
        var random = new SplitMix64(seed);
        long pageCount = length / ReadBytes;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < readCount; i++)
        {
            long offsetBytes = random.NextBelow(pageCount) * ReadBytes;
            if (RandomAccess.Read(handle, buffer, offsetBytes) != ReadBytes)
            {
                throw new IOException($"short read at offset {offsetBytes} of '{path}'");
            }
        }
        return readCount / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Creates <paramref name="fileCount"/> empty files in a fresh directory, then unlinks them all; returns operations (creates + unlinks) per second.</summary>
    public static double CreateThenUnlink(string mountPoint, int fileCount)
    {
        string directory = Path.Combine(mountPoint, "many");
        Directory.CreateDirectory(directory);
        string[] names = Enumerable.Range(0, fileCount).Select(i => Path.Combine(directory, $"f{i:D6}")).ToArray();
        var clock = Stopwatch.StartNew();
        foreach (string? name in names)
        {
            File.Create(name).Dispose();
        }
        foreach (string? name in names)
        {
            File.Delete(name);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Directory.Delete(directory);
        return 2.0 * fileCount / seconds;
    }

    private static void Check(int error, string advice, string path)
    {
        if (error != 0)
        {
            throw new IOException($"posix_fadvise({advice}) failed on '{path}': errno {error}");
        }
    }

    private static void Fill(this SplitMix64 random, Span<byte> buffer)
    {
        for (int i = 0; i + 8 <= buffer.Length; i += 8)
        {
            BitConverter.TryWriteBytes(buffer[i..], random.Next());
        }
    }
}
