namespace Writeback.Cli.Commands.Bench;

/// <summary>One strategy's file, opened: where records are stored and how they are committed.</summary>
internal interface IBenchTarget : IDisposable
{
    /// <summary>Stores bytes into the file's mapping (no durability).</summary>
    /// <param name="offsetBytes">Byte offset.</param>
    /// <param name="data">The bytes.</param>
    void Store(long offsetBytes, ReadOnlySpan<byte> data);

    /// <summary>The timed call: commits (or starts writeback of) the record at the range.</summary>
    /// <param name="offsetBytes">The record's offset.</param>
    /// <param name="lengthBytes">The record's length.</param>
    /// <returns>A task that completes when the call's guarantee holds; completed for synchronous calls.</returns>
    ValueTask CommitAsync(long offsetBytes, int lengthBytes);
}
