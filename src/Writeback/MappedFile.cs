using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Writeback.Backends;
using Writeback.Native;

namespace Writeback;

/// <summary>
/// A file mapped into memory, with durability calls that each mean exactly what their names say.
/// Implemented on Linux; on other systems <see cref="Open(string, MappedFileOptions?)"/> throws
/// <see cref="PlatformNotSupportedException"/>.
/// </summary>
/// <remarks>
/// <para>Thread safety: <see cref="Flush(long, long)"/>, <see cref="Flush()"/>, <see cref="FlushFile"/>,
/// <see cref="StartWriteback"/>, <see cref="FlushAsync"/>, <see cref="GetPageCacheState"/>, the span,
/// read and write members may be called concurrently from any threads. <see cref="SetLength"/> and
/// <see cref="Dispose"/> are exclusive: no other member of the same file may run during them.</para>
/// <para>Address space up to <see cref="MaxLength"/> is reserved at open, so the mapping never moves
/// and spans stay valid across growth. A span over a part cut off by a shrinking
/// <see cref="SetLength"/>, or used after <see cref="Dispose"/>, faults: that is the caller's
/// responsibility, as with any pointer.</para>
/// <para>The first failed durability call poisons the file (see <see cref="IsPoisoned"/>).</para>
/// </remarks>
public sealed partial class MappedFile : IMappedFile
{
    /// <summary>The address space reserved when <see cref="MappedFileOptions.MaxLength"/> is not set and the file is smaller: 1 GiB.</summary>
    public const long DefaultMaxLength = 1L << 30;

    private readonly MappingBackend _backend;
    private readonly SafeHandle _file;
    private readonly SafeMappingHandle _mapping;
    private readonly WritebackCompletion _writebackCompletion;
    private readonly nint _baseAddress;
    private readonly bool _writable;
    private readonly bool _reportDirtyOutsideRange;
    private readonly bool _inlineCompletions;
    private long _lengthBytes;
    private WritebackException? _poison;
    private GroupCommit? _groupCommit;
    private DurabilityEngine? _engine;
    private int _outstandingRequests; // writeback starts and FlushAsync waiters not yet completed
    private int _disposed;
    private int _closed; // set once asynchronous work has drained, just before the mapping and descriptor go

    /// <summary>
    /// Opens (or creates, as <paramref name="options"/> says) the file at <paramref name="path"/>
    /// and maps all of it, reserving address space up to <see cref="MappedFileOptions.MaxLength"/>.
    /// </summary>
    /// <param name="path">The file's path.</param>
    /// <param name="options">How to open and map it; <see langword="null"/> means the defaults.</param>
    /// <returns>The mapped file; the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or the options contradict each other.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length in <paramref name="options"/> is negative, or <see cref="MappedFileOptions.MaxLength"/> is below the file's length.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist and the mode does not create it.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="WritebackException">Another system call failed.</exception>
    /// <exception cref="PlatformNotSupportedException">Not on Linux, or <see cref="MappedFileOptions.ReportDirtyOutsideRange"/> on a kernel without cachestat(2).</exception>
    public static MappedFile Open(string path, MappedFileOptions? options = null) => Open(path, options, MappingBackend.Current);

    /// <summary>Opens through <paramref name="backend"/>: the test seam (a fault-injecting decorator).</summary>
    internal static MappedFile Open(string path, MappedFileOptions? options, MappingBackend backend)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new MappedFileOptions();
        ValidateOptions(options);
        return OpenCore(System.IO.Path.GetFullPath(path), options, backend);
    }

    /// <summary>
    /// The process's durability engine, which runs every file's <see cref="StartWriteback"/> and
    /// <see cref="FlushAsync"/> work: <c>io_uring</c>, or <c>thread pool (2 threads)</c> where
    /// io_uring is unavailable or forced off (environment variable <c>WRITEBACK_IO_URING=0</c>,
    /// or the runtime switch <c>Writeback.DisableIoUring</c>). Reading it starts the engine.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public static string DurabilityEngineName => MappingBackend.Current.Engine.Description;

    private MappedFile(string path, MappedFileOptions options, MappingBackend backend, SafeHandle file,
                       SafeMappingHandle mapping, long lengthBytes)
    {
        Path = path;
        Name = System.IO.Path.GetFileName(path);
        Semantics = options.Semantics;
        PageSize = Environment.SystemPageSize;
        _backend = backend;
        _file = file;
        _mapping = mapping;
        _writebackCompletion = new WritebackCompletion(this);
        _baseAddress = mapping.Address;
        _writable = options.Access != FileAccess.Read;
        _reportDirtyOutsideRange = options.ReportDirtyOutsideRange;
        _inlineCompletions = options.UnsafeInlineCompletions;
        _lengthBytes = lengthBytes;
    }

    /// <summary>
    /// Raised after each successful range flush when the file was opened with
    /// <see cref="MappedFileOptions.ReportDirtyOutsideRange"/>, on the flushing thread: the caller's
    /// for <see cref="Flush(long, long)"/>, where a handler's exception reaches the caller, and the
    /// durability engine's completion thread for <see cref="FlushAsync"/>, where it is ignored (the
    /// flush succeeded). A handler there delays every file's completions: keep it short.
    /// </summary>
    public event EventHandler<DirtyOutsideRangeEventArgs>? DirtyPagesOutsideRange;

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public long Length => Volatile.Read(ref _lengthBytes);

    /// <summary>The largest length <see cref="SetLength"/> accepts: the reserved address space, page-rounded.</summary>
    public long MaxLength => _mapping.ReservedBytes;

    /// <inheritdoc/>
    public int PageSize { get; }

    /// <inheritdoc/>
    public FlushSemantics Semantics { get; }

    /// <summary>
    /// Whether a durability call has failed. A poisoned file throws the original failure from every
    /// <c>Flush*</c>, <see cref="StartWriteback"/> and <see cref="FlushAsync"/> call: after a failed
    /// writeback the kernel may already have marked the pages clean (PostgreSQL's "fsyncgate"), so
    /// a retry could report success for lost data. Only reopening the file clears it.
    /// </summary>
    public bool IsPoisoned => Volatile.Read(ref _poison) is not null;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative or extends beyond <see cref="Length"/>.</exception>
    /// <exception cref="NotSupportedException">The file was opened read-only.</exception>
    public Span<byte> GetSpan(long offset, int length)
    {
        ThrowIfDisposed();
        ThrowIfReadOnly();
        ValidateRange(offset, length);
        // Safety: [offset, offset + length) lies within Length, which is mapped read-write and stays
        // mapped until SetLength shrinks it or Dispose unmaps it (both documented as the caller's to order).
        unsafe
        {
            return new Span<byte>((byte*)_baseAddress + offset, length);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative or extends beyond <see cref="Length"/>.</exception>
    public ReadOnlySpan<byte> GetReadOnlySpan(long offset, int length)
    {
        ThrowIfDisposed();
        ValidateRange(offset, length);
        // Safety: as in GetSpan; the mapping is at least readable.
        unsafe
        {
            return new ReadOnlySpan<byte>((byte*)_baseAddress + offset, length);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative or the bytes would extend beyond <see cref="Length"/>.</exception>
    /// <exception cref="NotSupportedException">The file was opened read-only.</exception>
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        ThrowIfDisposed();
        ThrowIfReadOnly();
        ValidateRange(offset, source.Length, nameof(offset), nameof(source));
        // Safety: validated as in GetSpan.
        unsafe
        {
            source.CopyTo(new Span<byte>((byte*)_baseAddress + offset, source.Length));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative or the bytes would extend beyond <see cref="Length"/>.</exception>
    public void Read(long offset, Span<byte> destination)
    {
        ThrowIfDisposed();
        ValidateRange(offset, destination.Length, nameof(offset), nameof(destination));
        // Safety: validated as in GetReadOnlySpan.
        unsafe
        {
            new ReadOnlySpan<byte>((byte*)_baseAddress + offset, destination.Length).CopyTo(destination);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or above <see cref="MaxLength"/>.</exception>
    /// <exception cref="NotSupportedException">The file was opened read-only.</exception>
    /// <exception cref="WritebackException">ftruncate(2) or mmap(2) failed; the length and mapping are unchanged.</exception>
    public void SetLength(long length)
    {
        ThrowIfDisposed();
        ThrowIfReadOnly();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length,
                $"The length exceeds the {MaxLength} bytes of address space reserved for '{Path}'; open it with a larger MappedFileOptions.MaxLength.");
        }
        SetLengthCore(length);
    }

    /// <summary>
    /// Returns the page-cache state of the byte range, from cachestat(2) (Linux 6.5+). The counts
    /// cover every page the range touches and may be stale by the time they are read.
    /// </summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="length">Number of bytes; 0 returns all zeros.</param>
    /// <returns>The page counts.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative, overflows or extends beyond <see cref="Length"/>.</exception>
    /// <exception cref="PlatformNotSupportedException">The kernel is older than 6.5.</exception>
    /// <exception cref="WritebackException">cachestat failed.</exception>
    public PageCacheState GetPageCacheState(long offset, long length)
    {
        ThrowIfDisposed();
        ValidateRange(offset, length);
        return length == 0 ? default : QueryPageCache(offset, length);
    }

    /// <summary>Passes <paramref name="advice"/> for the page-rounded range to madvise(2).</summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="length">Number of bytes; 0 does nothing.</param>
    /// <param name="advice">The expected use.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is invalid or <paramref name="advice"/> is not a defined value.</exception>
    /// <exception cref="WritebackException">madvise failed (for example EINVAL for MADV_PAGEOUT before Linux 5.4).</exception>
    public void Advise(long offset, long length, MemoryAdvice advice)
    {
        ThrowIfDisposed();
        ValidateRange(offset, length);
        if (!Enum.IsDefined(advice))
        {
            throw new ArgumentOutOfRangeException(nameof(advice), advice, "Not a defined MemoryAdvice value.");
        }
        if (length != 0)
        {
            (long startBytes, long endBytes) = PageRange(offset, length);
            ThrowIfFailed(_backend.Advise(_baseAddress + (nint)startBytes, endBytes - startBytes, advice), NativeCall.Advise, startBytes, endBytes - startBytes);
        }
    }

    /// <summary>Locks the page-rounded range in memory with mlock(2): its pages are faulted in and not evicted.</summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="length">Number of bytes; 0 does nothing.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative, overflows or extends beyond <see cref="Length"/>.</exception>
    /// <exception cref="WritebackException">mlock failed (ENOMEM or EPERM: see RLIMIT_MEMLOCK).</exception>
    public void Lock(long offset, long length) => LockOrUnlock(offset, length, lockPages: true);

    /// <summary>Unlocks the page-rounded range with munlock(2).</summary>
    /// <param name="offset">Byte offset in the file.</param>
    /// <param name="length">Number of bytes; 0 does nothing.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative, overflows or extends beyond <see cref="Length"/>.</exception>
    /// <exception cref="WritebackException">munlock failed.</exception>
    public void Unlock(long offset, long length) => LockOrUnlock(offset, length, lockPages: false);

    /// <summary>
    /// Waits until the writeback starts and <see cref="FlushAsync"/> requests already handed to the
    /// durability engine have completed (so queued flushes are done), then unmaps the file and closes it.
    /// Nothing is made durable that was not requested. Spans taken from this file must not be used afterwards.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // A handler on the engine's completion thread cannot wait for that thread.
        if (!DurabilityEngine.OnEngineThread)
        {
            WaitForAsyncWork();
        }
        Volatile.Write(ref _closed, 1);
        _mapping.Dispose();
        _file.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => Path;

    private long MappedBytes => RoundUp(Length);

    private void LockOrUnlock(long offset, long length, bool lockPages)
    {
        ThrowIfDisposed();
        ValidateRange(offset, length);
        if (length != 0)
        {
            (long startBytes, long endBytes) = PageRange(offset, length);
            ThrowIfFailed(_backend.Lock(_baseAddress + (nint)startBytes, endBytes - startBytes, lockPages),
                          lockPages ? NativeCall.Lock : NativeCall.Unlock, startBytes, endBytes - startBytes);
        }
    }

    // The check is small enough to inline into every caller; building the message is not, so it lives
    // in ThrowRangeOutside (the dotnet/runtime throw-helper pattern).
    private void ValidateRange(long offset, long length, string offsetName = "offset", string lengthName = "length")
    {
        long fileLengthBytes = Length;
        if (offset < 0 || offset > fileLengthBytes || length < 0 || length > fileLengthBytes - offset)
        {
            ThrowRangeOutside(offset, length, fileLengthBytes, offsetName, lengthName);
        }
    }

    [DoesNotReturn]
    private void ThrowRangeOutside(long offset, long length, long fileLengthBytes, string offsetName, string lengthName)
    {
        if (offset < 0 || offset > fileLengthBytes)
        {
            throw new ArgumentOutOfRangeException(offsetName, offset,
                $"The offset must be between 0 and the length of '{Path}' ({fileLengthBytes} bytes).");
        }
        throw new ArgumentOutOfRangeException(lengthName, length,
            $"The range at offset {offset} must have a length between 0 and {fileLengthBytes - offset} bytes to stay within '{Path}' ({fileLengthBytes} bytes).");
    }

    private (long StartBytes, long EndBytes) PageRange(long offset, long length) => Pages.Covering(offset, length, PageSize);

    private long RoundUp(long bytes) => Pages.RoundUp(bytes, PageSize);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private void ThrowIfReadOnly()
    {
        if (!_writable)
        {
            throw new NotSupportedException($"'{Path}' was opened read-only (FileAccess.Read).");
        }
    }

    private void ThrowIfPoisoned()
    {
        if (Volatile.Read(ref _poison) is { } poison)
        {
            ThrowPoisoned(poison);
        }
    }

    [DoesNotReturn]
    private static void ThrowPoisoned(WritebackException poison) => throw Repeat(poison);

    private void ThrowIfFailed(int errno, NativeCall call, long? offset, long? length)
    {
        if (errno != 0)
        {
            throw Errors.FromErrno<WritebackException>(errno, _backend.NameOf(call), Path, offset, length);
        }
    }

    internal static void ValidateOptions(MappedFileOptions options)
    {
        if (options.Mode is FileMode.Append || !Enum.IsDefined(options.Mode))
        {
            throw new ArgumentException($"FileMode.{options.Mode} is not supported for a mapped file.", nameof(options));
        }
        if (options.Access is not (FileAccess.Read or FileAccess.ReadWrite))
        {
            throw new ArgumentException($"FileAccess.{options.Access} is not supported: a mapping needs read access; use Read or ReadWrite.", nameof(options));
        }
        if (options.Access == FileAccess.Read && (options.Mode is FileMode.Create or FileMode.CreateNew or FileMode.Truncate || options.Length is not null))
        {
            throw new ArgumentException(
                $"FileAccess.Read cannot change the file (Mode = FileMode.{options.Mode}, Length = {options.Length?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}); use FileAccess.ReadWrite.",
                nameof(options));
        }
        if (options.Length is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Length, "MappedFileOptions.Length must not be negative.");
        }
        if (options.MaxLength is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxLength, "MappedFileOptions.MaxLength must not be negative.");
        }
        if (options.Length is { } length && options.MaxLength is { } maxLength && maxLength < length)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxLength, $"MappedFileOptions.MaxLength ({maxLength}) is below MappedFileOptions.Length ({length}).");
        }
        if (!Enum.IsDefined(options.Semantics))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Semantics, "Not a defined FlushSemantics value.");
        }
    }
}
