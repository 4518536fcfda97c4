using Writeback.Backends;

namespace Writeback.Linux;

/// <summary>
/// The one durability engine of the process: every <see cref="MappedFile"/> hands it its
/// StartWriteback and FlushAsync work, so no file has a thread of its own. io_uring where the
/// kernel allows it (<see cref="IoUringEngine"/>); where io_uring is missing or refused (before
/// Linux 5.6, <c>kernel.io_uring_disabled</c>, a container's seccomp profile), or forced off with
/// the environment variable <c>WRITEBACK_IO_URING=0</c> or the runtime switch
/// <c>Writeback.DisableIoUring</c>, a small fixed pool of threads (<see cref="PoolEngine"/>).
/// </summary>
internal abstract class DurabilityEngine
{
    /// <summary>The environment variable that, set to 0, forces the thread-pool engine.</summary>
    public const string IoUringVariable = "WRITEBACK_IO_URING";

    /// <summary>The AppContext switch (runtimeconfig.json) that, set to true, forces the thread-pool engine.</summary>
    public const string DisableIoUringSwitch = "Writeback.DisableIoUring";

    private static readonly Lazy<DurabilityEngine> s_shared = new(Create);

    [ThreadStatic]
    private static bool s_onEngineThread;

    /// <summary>The process's engine, created on first use.</summary>
    public static DurabilityEngine Shared => s_shared.Value;

    /// <summary>Whether the current thread is one of the engine's (a completion handler runs on it).</summary>
    public static bool OnEngineThread => s_onEngineThread;

    /// <summary>Why io_uring is not used, or null when it is.</summary>
    public static string? IoUringUnavailableReason { get; private set; }

    /// <summary>A short description for diagnostics and benchmarks: <c>io_uring</c> or <c>thread pool (2 threads)</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The largest request length, in bytes.</summary>
    public abstract long MaxRequestBytes { get; }

    /// <summary>The name error messages give the system call behind <paramref name="operation"/>.</summary>
    public abstract string NameOf(AsyncOperation operation);

    /// <summary>
    /// Queues <paramref name="request"/>; its target is called once it finished. Never waits for
    /// the device; waits only while the engine's fixed capacity is all in flight.
    /// </summary>
    public abstract void Submit(in AsyncRequest request);

    /// <summary>Marks the calling thread as an engine thread.</summary>
    protected static void MarkEngineThread() => s_onEngineThread = true;

    private static DurabilityEngine Create()
    {
        if (ForcedOff())
        {
            IoUringUnavailableReason = $"forced off ({IoUringVariable}=0 or {DisableIoUringSwitch})";
            return new PoolEngine();
        }
        var engine = IoUringEngine.TryStart(out var errno);
        if (engine is not null)
        {
            return engine;
        }
        IoUringUnavailableReason = $"io_uring_setup failed: {Native.ErrnoName.Of(errno)}";
        return new PoolEngine();
    }

    private static bool ForcedOff() =>
        Environment.GetEnvironmentVariable(IoUringVariable) is "0" or "false" or "off"
        || (AppContext.TryGetSwitch(DisableIoUringSwitch, out var disabled) && disabled);
}
