namespace Writeback.LossyFs;

/// <summary>What a crash dropped and kept.</summary>
/// <param name="DroppedBytes">Unsynced bytes that did not reach the backing directory.</param>
/// <param name="KeptBytes">Unsynced bytes that <see cref="CrashKeep.Random"/> wrote to the backing directory.</param>
/// <param name="FileCount">Files that had unsynced data or length changes.</param>
/// <param name="Seed">The seed used (for reproducing a <see cref="CrashKeep.Random"/> crash).</param>
public sealed record CrashResult(long DroppedBytes, long KeptBytes, int FileCount, ulong Seed);
