using System.Diagnostics;
using Writeback.Native;

namespace Writeback.Cli.Commands.Bench;

/// <summary>Runs each strategy on its own freshly written file in a directory and times its commits.</summary>
internal static class BenchRunner
{
    /// <summary>Measures one round of one strategy on a fresh file.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="workload">The workload of this round.</param>
    /// <param name="directory">The directory for the file (deleted afterwards).</param>
    /// <param name="progress">Called with the fraction of the round's iterations done.</param>
    /// <param name="cancellationToken">Stops between iterations.</param>
    /// <returns>The commit latencies and the wall time of the timed iterations.</returns>
    public static BenchSample Run(BenchStrategy strategy, BenchWorkload workload, string directory,
                                  Action<double> progress, CancellationToken cancellationToken)
    {
        string path = Path.Combine(directory, $".writeback-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.dat");
        try
        {
            Prepare(path, workload.FileBytes);
            using IBenchTarget target = strategy.Open(path, workload.FileBytes);
            var latenciesMs = new List<double>(workload.Iterations * strategy.Concurrency);
            long elapsedTicks = strategy.Concurrency == 1
                ? RunSerial(target, workload, latenciesMs, progress, cancellationToken)
                : RunConcurrent(target, workload, strategy.Concurrency, latenciesMs, progress, cancellationToken);
            return new BenchSample(latenciesMs, elapsedTicks);
        }
        finally
        {
            // Nothing to delete when the file could not be created.
            File.Delete(path);
        }
    }

    /// <summary>
    /// Creates a new file for writing with open(O_WRONLY|O_CREAT|O_EXCL, 0600), so that a failure
    /// names the system call and its errno (EACCES, ENOENT on /proc, EROFS, ENOSPC…).
    /// </summary>
    private static Microsoft.Win32.SafeHandles.SafeFileHandle CreateNewOrThrow(string path)
    {
        int errno = Interop.Libc.Open(path, Interop.Libc.O_WRONLY | Interop.Libc.O_CREAT | Interop.Libc.O_EXCL, 0x180, out SafeFileDescriptorHandle? fd);
        if (errno != 0)
        {
            throw new WritebackException("open(O_CREAT|O_EXCL)", path, null, null, errno);
        }

        // FileStream takes a SafeFileHandle: hand the descriptor over to one.
        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd.DangerousGetHandle(), ownsHandle: true);
        fd.SetHandleAsInvalid();
        return handle;
    }

    /// <summary>Writes the whole file (so block allocation is not measured) and makes it durable.</summary>
    private static void Prepare(string path, long fileBytes)
    {
        using var stream = new FileStream(CreateNewOrThrow(path), FileAccess.Write, 1 << 20);
        byte[] block = new byte[1 << 20];
        for (long written = 0; written < fileBytes; written += block.Length)
        {
            stream.Write(block, 0, (int)Math.Min(block.Length, fileBytes - written));
        }

        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// One iteration's untimed stores: <paramref name="backgroundPages"/> pages dirtied elsewhere,
    /// then record number <paramref name="recordIndex"/> filled with its number and stored.
    /// </summary>
    /// <returns>The record's byte offset, for the commit.</returns>
    private static long StoreIteration(IBenchTarget target, BenchWorkload workload, long recordIndex, int backgroundPages,
                                       byte[] record)
    {
        Span<byte> one = [(byte)recordIndex];
        for (int i = 0; i < backgroundPages; i++)
        {
            target.Store(workload.BackgroundOffsetBytes((recordIndex * workload.BackgroundDirtyPages) + i), one);
        }

        record.AsSpan().Fill((byte)recordIndex);
        long offsetBytes = workload.RecordOffsetBytes(recordIndex);
        target.Store(offsetBytes, record);
        return offsetBytes;
    }

    private static double MillisecondsSince(long startTimestamp) =>
        (Stopwatch.GetTimestamp() - startTimestamp) * 1000.0 / Stopwatch.Frequency;

    private static long RunSerial(IBenchTarget target, BenchWorkload workload, List<double> latenciesMs,
                                  Action<double> progress, CancellationToken cancellationToken)
    {
        byte[] record = new byte[workload.RecordBytes];
        int total = workload.WarmupIterations + workload.Iterations;
        long wallStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < total; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long offsetBytes = StoreIteration(target, workload, i, workload.BackgroundDirtyPages, record);
            long start = Stopwatch.GetTimestamp();
            ValueTask commit = target.CommitAsync(offsetBytes, record.Length);
            if (!commit.IsCompletedSuccessfully)
            {
                commit.AsTask().GetAwaiter().GetResult();
            }

            double latencyMs = MillisecondsSince(start);
            if (i >= workload.WarmupIterations)
            {
                latenciesMs.Add(latencyMs);
            }

            progress((i + 1.0) / total);
        }

        // Throughput over the whole loop (stores included), scaled to the timed iterations.
        return (Stopwatch.GetTimestamp() - wallStart) * workload.Iterations / total;
    }

    /// <summary>
    /// Concurrent committers, each storing its own records and awaiting their commit, as the
    /// threads of a server would; the background pages are shared out among them.
    /// </summary>
    private static long RunConcurrent(IBenchTarget target, BenchWorkload workload, int concurrency, List<double> latenciesMs,
                                      Action<double> progress, CancellationToken cancellationToken)
    {
        int total = workload.WarmupIterations + workload.Iterations;
        var perWorker = new List<double>[concurrency];

        async Task Worker(int workerIndex)
        {
            List<double> samples = perWorker[workerIndex] = new List<double>(workload.Iterations);
            byte[] record = new byte[workload.RecordBytes];
            int backgroundPages = workload.BackgroundDirtyPages / concurrency;
            for (int i = 0; i < total; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long recordIndex = ((long)i * concurrency) + workerIndex;
                long offsetBytes = StoreIteration(target, workload, recordIndex, backgroundPages, record);
                long start = Stopwatch.GetTimestamp();
                await target.CommitAsync(offsetBytes, record.Length).ConfigureAwait(false);
                if (i >= workload.WarmupIterations)
                {
                    samples.Add(MillisecondsSince(start));
                }

                if (workerIndex == 0)
                {
                    progress((i + 1.0) / total);
                }
            }
        }

        long wallStart = Stopwatch.GetTimestamp();
        Task[] workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w), cancellationToken)).ToArray();
        Task.WaitAll(workers, cancellationToken);
        long wallTicks = Stopwatch.GetTimestamp() - wallStart;
        foreach (List<double> samples in perWorker)
        {
            latenciesMs.AddRange(samples);
        }

        // Throughput over the whole loop, warm-up included, counted the same way as RunSerial's.
        return wallTicks * workload.Iterations / total;
    }
}

/// <summary>What one round of one strategy measured.</summary>
/// <param name="LatenciesMs">Each timed commit's latency.</param>
/// <param name="ElapsedTicks">Wall time (Stopwatch ticks) of the timed iterations, stores included.</param>
internal sealed record BenchSample(IReadOnlyList<double> LatenciesMs, long ElapsedTicks);
