namespace Writeback.Benchmarks.LossyFs;

/// <summary>LossyFs mounted in this process over the backing directory.</summary>
internal sealed class LossyFsBenchMount : IBenchMount
{
    public string Name => "LossyFs";

    public string MountPoint { get; private init; } = "";

    public static LossyFsBenchMount Start(string backingDirectory, string mountPoint) =>
        throw new NotSupportedException($"LossyFs is not merged into this branch yet (backing '{backingDirectory}', mount point '{mountPoint}')");

    public void Dispose()
    {
    }
}

/// <summary>LossyFs's volatile memory against the unsynced bytes its status reports.</summary>
internal static class LossyFsMemory
{
    public static void Report(HarnessOptions options) =>
        Console.WriteLine($"memory: not measured yet (LossyFs is not merged; work dir {options.WorkDirectory})");
}
