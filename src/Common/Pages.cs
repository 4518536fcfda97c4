namespace Writeback;

/// <summary>
/// The one page round-up and round-down of the repository, linked as source into every assembly
/// that rounds byte offsets to pages (the library, the simulator through the library, LossyFs, the
/// tracer, the CLI). Offsets and lengths are non-negative; the page size is positive (any size, not
/// only powers of two, so a simulated page size is rounded alike).
/// </summary>
internal static class Pages
{
    /// <summary><paramref name="bytes"/> rounded down to a whole number of pages.</summary>
    public static long RoundDown(long bytes, long pageSizeBytes) => bytes / pageSizeBytes * pageSizeBytes;

    /// <summary><paramref name="bytes"/> rounded up to a whole number of pages.</summary>
    public static long RoundUp(long bytes, long pageSizeBytes) => (bytes + pageSizeBytes - 1) / pageSizeBytes * pageSizeBytes;

    /// <summary><paramref name="bytes"/> rounded up to a whole number of pages (a mapping's length, as the kernel rounds it).</summary>
    public static ulong RoundUp(ulong bytes, ulong pageSizeBytes) => (bytes + pageSizeBytes - 1) / pageSizeBytes * pageSizeBytes;

    /// <summary>How many pages hold <paramref name="bytes"/> bytes from offset 0 (the index of the first page past them).</summary>
    public static long CountOf(long bytes, long pageSizeBytes) => (bytes + pageSizeBytes - 1) / pageSizeBytes;

    /// <summary>The page-aligned byte range [start, end) covering [<paramref name="offsetBytes"/>, offset + length).</summary>
    public static (long StartBytes, long EndBytes) Covering(long offsetBytes, long lengthBytes, long pageSizeBytes) =>
        (RoundDown(offsetBytes, pageSizeBytes), RoundUp(offsetBytes + lengthBytes, pageSizeBytes));
}
