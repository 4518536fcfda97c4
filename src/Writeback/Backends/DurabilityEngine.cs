namespace Writeback.Backends;

/// <summary>
/// The one durability engine of the process: every <see cref="MappedFile"/> hands it its
/// StartWriteback and FlushAsync work, so no file has a thread of its own. The backend owns and
/// chooses it (<see cref="MappingBackend.Engine"/>); on Linux it is io_uring or a small pool of
/// threads. This type is what the platform-neutral front sees of it.
/// </summary>
internal abstract class DurabilityEngine
{
    [ThreadStatic]
    private static bool s_onEngineThread;

    /// <summary>Whether the current thread is one of the engine's (a completion handler runs on it).</summary>
    public static bool OnEngineThread => s_onEngineThread;

    /// <summary>A short description for diagnostics and benchmarks: <c>io_uring</c> or <c>thread pool (2 threads)</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The largest request length, in bytes.</summary>
    public abstract long MaxRequestBytes { get; }

    /// <summary>The name error messages give the system call behind <paramref name="operation"/>.</summary>
    public abstract string NameOf(AsyncOperation operation);

    /// <summary>
    /// Queues <paramref name="request"/>; its target is called once it finished, on an engine
    /// thread. Never waits for the device; waits only while the engine's fixed capacity is all in
    /// flight. The request's length is at most <see cref="MaxRequestBytes"/>.
    /// </summary>
    /// <remarks>
    /// Implementations mark their submission path (and the front marks StartWriteback's)
    /// <see cref="System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization"/>: a
    /// program may start writeback once per file, rarely, so tiered compilation would otherwise run
    /// the path as unoptimized tier-0 code with call counting for its whole life. Measured on the
    /// first StartWriteback of a fresh file with 256 MiB dirty, the caller's time outside the wake-up's
    /// write(2) was 15-20 us at tier 0 and 6-7 us with tiered compilation off (docs/BENCHMARKS.md,
    /// "Issue 19, final").
    /// </remarks>
    public abstract void Submit(in AsyncRequest request);

    /// <summary>Marks the calling thread as an engine thread.</summary>
    protected static void MarkEngineThread() => s_onEngineThread = true;
}
