using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs;
using Writeback.Prng;

namespace Writeback.Benchmarks.LossyFs;

/// <summary>
/// LossyFs mounted in this process over the backing directory, with the given number of threads
/// serving requests (LossyFs's default is 4). Safe here because the workloads only read and write through file descriptors: a
/// program that maps files of a LossyFs mount must not run in the process serving it.
/// </summary>
internal sealed class LossyFsBenchMount : IBenchMount
{
    private LossyFsBenchMount(LossyFileSystem fileSystem)
    {
        FileSystem = fileSystem;
    }

    public string Name => "LossyFs";

    public string MountPoint => FileSystem.Mountpoint;

    public LossyFileSystem FileSystem { get; }

    public static LossyFsBenchMount Start(string backingDirectory, string mountPoint, int readerThreadCount = 4) =>
        new(LossyFileSystem.Mount(new LossyFsOptions
        {
            BackingDirectory = backingDirectory,
            Mountpoint = mountPoint,
            ControlChannel = false,
            ReaderThreadCount = readerThreadCount,
        }));

    public void Dispose() => FileSystem.Dispose();
}

/// <summary>
/// LossyFs's memory for volatile data against the unsynced bytes its status reports: writes are
/// pushed from the kernel's page cache into LossyFs by closing the file (FUSE_FLUSH writes the
/// dirty pages back), never by fsync, so they stay volatile.
/// </summary>
internal static class LossyFsMemory
{
    public static void Report(HarnessOptions options)
    {
        string root = Path.Combine(options.WorkDirectory, $"memory-{Guid.NewGuid():N}");
        string backing = Directory.CreateDirectory(Path.Combine(root, "backing")).FullName;
        string mountPoint = Directory.CreateDirectory(Path.Combine(root, "mnt")).FullName;
        try
        {
            using var mount = LossyFsBenchMount.Start(backing, mountPoint);
            Console.WriteLine();
            Console.WriteLine("| data written, not synced | status: unsynced bytes | status: held bytes | held / unsynced | managed heap growth |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            Measure(mount, "64 MiB sequential (1 MiB writes)", path => WriteSequential(path, 64L << 20));
            Measure(mount, "16,384 writes of 100 bytes, one per 4 KiB page (1,638,400 bytes; the kernel writes back whole pages)", path => WriteScattered(path, 16_384, 100, options.Seed));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Measure(LossyFsBenchMount mount, string what, Action<string> write)
    {
        LossyFsStatus statusBefore = mount.FileSystem.Status();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        write(Path.Combine(mount.MountPoint, $"volatile-{Guid.NewGuid():N}.bin"));
        LossyFsStatus status = mount.FileSystem.Status();
        long heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        long unsynced = status.UnsyncedBytes - statusBefore.UnsyncedBytes;
        long held = status.HeldBytes - statusBefore.HeldBytes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {unsynced:N0} | {held:N0} | {(double)held / unsynced:0.000}x | {heapGrowth:N0} |"));
    }

    private static void WriteSequential(string path, long totalBytes)
    {
        byte[] chunk = new byte[1 << 20];
        chunk.AsSpan().Fill(0x5a);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        for (long written = 0; written < totalBytes; written += chunk.Length)
        {
            stream.Write(chunk);
        }
    }

    private static void WriteScattered(string path, int writeCount, int writeBytes, ulong seed)
    {
        byte[] payload = new byte[writeBytes];
        payload.AsSpan().Fill(0xa5);
        var random = new SplitMix64(seed);
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write);
        for (int i = 0; i < writeCount; i++)
        {
            // One write in a distinct page each time, at a seeded offset inside it: the worst case for page-granular holding.
            RandomAccess.Write(handle, payload, ((long)i * 4096) + random.NextBelow(4096 - writeBytes));
        }
    }

}
