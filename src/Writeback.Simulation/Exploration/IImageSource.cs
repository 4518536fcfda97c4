namespace Writeback.Simulation.Exploration;

/// <summary>A post-crash image as the checker's <see cref="SimulatedStorage"/> reads it: names, lengths and immutable pages.</summary>
internal interface IImageSource
{
    int PageSizeBytes { get; }

    /// <summary>The durable names and the inode each points at.</summary>
    IReadOnlyDictionary<string, int> Names { get; }

    long LengthOf(int inodeId);

    /// <summary>
    /// One page of bytes (exactly a page long; zeros beyond the data). Must never be written, by
    /// anyone: a view's pooled memory knows a page it already holds by the array's identity.
    /// </summary>
    byte[] Page(int inodeId, int pageIndex);
}
