namespace Writeback;

/// <summary>
/// A file mapped into memory with durability calls that each mean exactly what their names say.
/// </summary>
/// <remarks>
/// Ranges are validated before any system call: a negative, overflowing or out-of-bounds range
/// throws <see cref="ArgumentOutOfRangeException"/> naming the parameter. The first failed
/// durability call poisons the file: it and every later <c>Flush*</c> or
/// <see cref="StartWriteback"/> call throw <see cref="WritebackException"/> with the original errno.
/// </remarks>
public interface IMappedFile : IDisposable
{
    /// <summary>The file's name within its storage.</summary>
    string Name { get; }

    /// <summary>The file's current length in bytes.</summary>
    long Length { get; }

    /// <summary>The operating system's page size in bytes; flush ranges are rounded to it.</summary>
    int PageSize { get; }

    /// <summary>How range flushes behave: see <see cref="FlushSemantics"/>.</summary>
    FlushSemantics Semantics { get; }

    /// <summary>Returns a writable view of <paramref name="length"/> bytes of the mapping at <paramref name="offset"/>.</summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="length">Number of bytes.</param>
    /// <returns>A span over the mapped memory; stores through it reach the file's page cache.</returns>
    Span<byte> GetSpan(long offset, int length);

    /// <summary>Returns a read-only view of <paramref name="length"/> bytes of the mapping at <paramref name="offset"/>.</summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="length">Number of bytes.</param>
    /// <returns>A read-only span over the mapped memory.</returns>
    ReadOnlySpan<byte> GetReadOnlySpan(long offset, int length);

    /// <summary>Copies <paramref name="source"/> into the mapping at <paramref name="offset"/>. Nothing becomes durable.</summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="source">The bytes to store.</param>
    void Write(long offset, ReadOnlySpan<byte> source);

    /// <summary>Copies bytes from the mapping at <paramref name="offset"/> into <paramref name="destination"/>.</summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="destination">Where the bytes go; its length is the number of bytes read.</param>
    void Read(long offset, Span<byte> destination);

    /// <summary>
    /// Grows or shrinks the file to <paramref name="length"/> bytes without moving the mapping, so
    /// spans taken earlier over the part that remains stay valid. When this method returns without
    /// throwing, the new length is visible but not durable. On Linux the next successful
    /// <see cref="Flush(long, long)"/>, <see cref="Flush()"/>, <see cref="FlushAsync"/> or
    /// <see cref="FlushFile"/> makes it durable, as <c>fdatasync</c> writes a changed size; on every
    /// system <see cref="FlushFile"/> does. Until then a crash leaves the old length with the old data
    /// or the new length: pages a shrink cuts are dropped without being written back.
    /// </summary>
    /// <param name="length">The new length in bytes.</param>
    void SetLength(long length);

    /// <summary>
    /// When this method returns without throwing, the data in the page-rounded range
    /// [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) and the
    /// metadata needed to read it back are durable. Nothing outside the range is covered.
    /// </summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="length">Number of bytes.</param>
    void Flush(long offset, long length);

    /// <summary>
    /// When this method returns without throwing, all data of the mapping is durable. Metadata
    /// that is not needed to read the data (timestamps) is not covered.
    /// </summary>
    void Flush();

    /// <summary>
    /// When this method returns without throwing, all of the file's data and all of its metadata
    /// (length, timestamps) are durable. Its name in the directory is not covered: see
    /// <see cref="IMappedStorage.FlushDirectory"/>.
    /// </summary>
    void FlushFile();

    /// <summary>
    /// When this method returns without throwing, nothing more is durable than before: writeback of
    /// the range's dirty pages has been started or queued, and the caller has not waited for the
    /// device. Neither the data nor any metadata is covered. A failure of that I/O poisons the file
    /// and is thrown by the next durability call.
    /// </summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="length">Number of bytes.</param>
    void StartWriteback(long offset, long length);

    /// <summary>
    /// When the returned task completes successfully, the range is durable as after
    /// <see cref="Flush(long, long)"/>, and nothing outside it is covered. The flush runs off the
    /// caller's thread; concurrent requests are merged into fewer system calls (group commit). The
    /// method itself returning makes nothing durable.
    /// </summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="length">Number of bytes.</param>
    /// <param name="cancellationToken">Cancels the wait; a flush already issued still completes.</param>
    /// <returns>A task that completes when the range is durable.</returns>
    Task FlushAsync(long offset, long length, CancellationToken cancellationToken = default);
}
