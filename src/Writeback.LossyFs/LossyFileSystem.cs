using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.Control;
using Writeback.LossyFs.Fuse;
using Writeback.LossyFs.Volatile;

namespace Writeback.LossyFs;

/// <summary>
/// A mounted LossyFs: a passthrough FUSE file system over a backing directory in which writes stay
/// in memory until fsync, and created, removed or renamed names stay volatile until fsync of their
/// directory. <see cref="Crash"/> loses exactly what a power cut would; the backing directory is
/// then the post-crash image. Every wait has a timeout, and <see cref="Dispose"/> always leaves
/// the mount point unmounted.
/// </summary>
public sealed class LossyFileSystem : IDisposable
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(20);

    // How long a clean unmount retries EBUSY, and how often.
    private const int BusyRetryMs = 3000;
    private const int BusyRetryIntervalMs = 50;

    private readonly LossyTree _tree;
    private readonly FaultTable _faults;
    private readonly SafeFileHandle _device;
    private readonly FuseSession _session;
    private readonly uint _connectionId;
    private readonly Lock _stateLock = new();
    private readonly Task _finished;
    private readonly Action<string> _log;
    private ControlServer? _control;
    private bool _crashRequested;
    private int _persistErrno;

    private LossyFileSystem(LossyFsOptions options, LossyTree tree, FaultTable faults, SafeFileHandle device, FuseSession session, uint connectionId, Action<string> log)
    {
        _faults = faults;
        Options = options;
        Mountpoint = Path.GetFullPath(options.Mountpoint).TrimEnd('/');
        _tree = tree;
        _device = device;
        _session = session;
        _connectionId = connectionId;
        _log = log;
        _finished = session.Ended.ContinueWith(_ => OnSessionEnded(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The options the mount was made with.</summary>
    public LossyFsOptions Options { get; }

    /// <summary>The mount point (absolute).</summary>
    public string Mountpoint { get; }

    /// <summary>The backing directory (absolute).</summary>
    public string BackingDirectory => _tree.BackingDirectory;

    /// <summary>Completes when the mount is gone (unmounted, crashed, or unmounted by someone else) and the backing directory is final.</summary>
    public Task Completion => _finished;

    /// <summary>The control socket's path while it accepts requests, or null (no control channel, or the mount ended).</summary>
    public string? ControlSocketPath => _control is { IsAccepting: true } control ? control.SocketPath : null;

    /// <summary>Whether the mount is still served.</summary>
    public bool IsMounted => !_finished.IsCompleted;

    /// <summary>
    /// Mounts LossyFs and returns once the kernel has completed FUSE_INIT, so the mount can be used.
    /// As root it uses mount(2); otherwise fusermount3. Throws <see cref="InvalidOperationException"/>
    /// with the reason when neither can mount, and <see cref="TimeoutException"/> when the kernel does
    /// not initialize the connection in time (the half-made mount is then aborted and detached).
    /// </summary>
    public static LossyFileSystem Mount(LossyFsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Directory.Exists(options.BackingDirectory))
        {
            throw new DirectoryNotFoundException($"Cannot mount LossyFs: backing directory '{options.BackingDirectory}' does not exist.");
        }
        string mountpoint = Path.GetFullPath(options.Mountpoint).TrimEnd('/');
        Action<string> log = options.Log ?? (message => Console.Error.WriteLine($"lossyfs[{mountpoint}]: {message}"));
        if (FuseMount.IsDead(mountpoint))
        {
            // The server of an earlier mount here is gone (killed): the mount only answers ENOTCONN.
            // Detach it; the earlier mount's hidden area is removed by the new tree below.
            log("clearing a dead FUSE mount left by a server that is gone (lazy detach)");
            FuseMount.Detach(mountpoint);
        }
        if (!Directory.Exists(options.Mountpoint))
        {
            throw new DirectoryNotFoundException($"Cannot mount LossyFs: mount point '{options.Mountpoint}' does not exist.");
        }
        if (FuseMount.IsMounted(mountpoint))
        {
            throw new InvalidOperationException($"Cannot mount LossyFs on '{mountpoint}': a FUSE file system is already mounted there.");
        }
        var tree = new LossyTree(options.BackingDirectory, options.NamesDurableImmediately);
        SafeFileHandle device;
        try
        {
            device = WithTimeout(() => FuseMount.Mount(mountpoint), options.MountTimeout, $"mount on '{mountpoint}'");
        }
        catch
        {
            tree.Dispose();
            throw;
        }
        var faults = new FaultTable();
        var session = new FuseSession(device, tree, faults, log);
        uint connectionId = FuseMount.ConnectionId(mountpoint) ?? 0;
        var fileSystem = new LossyFileSystem(options with { Mountpoint = mountpoint }, tree, faults, device, session, connectionId, log);
        session.Start(Math.Max(1, options.ReaderThreadCount));
        if (!session.WaitInitialized(options.MountTimeout))
        {
            fileSystem.AbortAndDetach();
            throw new TimeoutException($"LossyFs on '{mountpoint}': the kernel did not send FUSE_INIT within {options.MountTimeout.TotalSeconds} s; the mount was aborted.");
        }
        if (options.ControlChannel)
        {
            fileSystem._control = ControlServer.Start(fileSystem, log);
        }
        return fileSystem;
    }

    /// <summary>What is not yet durable: files with unsynced ranges, names not yet durable, memory held, armed faults.</summary>
    public LossyFsStatus Status()
    {
        (long unsyncedBytes, long heldBytes, List<UnsyncedFile>? files, List<PendingName>? names) = _tree.Snapshot();
        return new LossyFsStatus(Mountpoint, BackingDirectory, Options.NamesDurableImmediately, unsyncedBytes, heldBytes, files, names, _faults.Snapshot());
    }

    /// <summary>Arms a fault: matching WRITE or FSYNC requests fail with its errno.</summary>
    public void InjectFault(FaultSpec fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        // The same rules as the CLI's fault options and the control socket.
        if (Control.RequestValidation.CheckFault(fault) is { } problem)
        {
            throw new ArgumentException($"fault: {problem}", nameof(fault));
        }
        _faults.Add(fault);
    }

    /// <summary>Disarms every fault.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>
    /// Simulates a power cut: drops the volatile state (or keeps a seeded subset, see
    /// <see cref="CrashKeep.Random"/>), aborts the FUSE connection so the kernel discards the dirty
    /// pages it still holds, and detaches the mount. When this method returns, the backing
    /// directory is the post-crash image: durable data and names only, no hidden area.
    /// </summary>
    public CrashResult Crash(CrashOptions? options = null)
    {
        options ??= new CrashOptions();
        if (options.AtomicWriteBytes <= 0 || options.AtomicWriteBytes % 512 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AtomicWriteBytes, "AtomicWriteBytes must be a positive multiple of 512.");
        }
        lock (_stateLock)
        {
            if (!IsMounted)
            {
                throw new InvalidOperationException($"LossyFs on '{Mountpoint}' is not mounted.");
            }
            _crashRequested = true;
        }
        CrashResult result = _tree.Crash(options);
        AbortAndDetach();
        return result;
    }

    /// <summary>
    /// A clean unmount, as a shutdown: the kernel writes back its dirty pages, then everything held
    /// becomes durable in the backing directory. Throws <see cref="LossyFsException"/> when the
    /// mount is still busy (EBUSY) after 3 s of retries, or making the state durable failed.
    /// </summary>
    public void Unmount()
    {
        if (!IsMounted)
        {
            return;
        }
        // A mount can be busy for a moment after its last user closed it: a process forked elsewhere
        // in this program holds a copy of the descriptor table until it execs, and a closing file's
        // final reference may still be on its way. So EBUSY is retried for a bounded time before it
        // is reported; a mount that stays busy is reported as busy.
        long busyDeadline = Environment.TickCount64 + BusyRetryMs;
        int errno;
        while (true)
        {
            errno = WithTimeout(() => FuseMount.Unmount(Mountpoint, detach: false), s_stopTimeout, $"umount of '{Mountpoint}'");
            if (errno != Errno.EBUSY || !IsMounted || Environment.TickCount64 >= busyDeadline)
            {
                break;
            }
            Thread.Sleep(BusyRetryIntervalMs);
        }
        if (errno != 0 && IsMounted)
        {
            throw new LossyFsException("umount", Mountpoint, errno);
        }
        if (!_finished.Wait(s_stopTimeout))
        {
            AbortAndDetach();
            throw new TimeoutException($"LossyFs on '{Mountpoint}' did not stop within {s_stopTimeout.TotalSeconds} s after umount; it was aborted.");
        }
        if (_persistErrno != 0)
        {
            throw new LossyFsException("persist at unmount", BackingDirectory, _persistErrno);
        }
    }

    /// <summary>Unmounts cleanly when possible; otherwise (busy, stuck, failed) aborts the connection and detaches. Never leaves the mount behind.</summary>
    public void Dispose()
    {
        if (IsMounted)
        {
            try
            {
                Unmount();
            }
#pragma warning disable CA1031 // Dispose must not throw; the fallback below always runs.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _log($"clean unmount failed ({exception.Message}); syncing, then aborting the connection");
                WriteBackKernelPages();
                AbortAndDetach();
            }
        }
        _control?.Dispose();
        _device.Dispose();
    }

    /// <summary>
    /// Before an abort that is not a crash: syncfs(2) on the mount makes the kernel send the dirty
    /// pages it holds, so they reach LossyFs and the unmount-time persist instead of being dropped.
    /// </summary>
    private void WriteBackKernelPages()
    {
        var sync = Task.Run(() =>
        {
            int fd = Interop.Libc.OpenAt(Interop.Libc.AT_FDCWD, Mountpoint, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY | Interop.Libc.O_CLOEXEC, 0);
            if (fd >= 0)
            {
                using var handle = new SafeFileHandle(fd, ownsHandle: true);
                Interop.Libc.syncfs(handle);
            }
        });
        if (!sync.Wait(s_stopTimeout))
        {
            _log($"syncfs on '{Mountpoint}' did not finish within {s_stopTimeout.TotalSeconds} s");
        }
        if (_connectionId != 0)
        {
            FuseMount.WaitIdle(_connectionId, TimeSpan.FromSeconds(5));
        }
    }

    private void AbortAndDetach()
    {
        try
        {
            if (_connectionId != 0)
            {
                FuseMount.Abort(_connectionId);
            }
        }
        catch (IOException exception)
        {
            _log($"abort through fusectl failed: {exception.Message}");
        }
        catch (UnauthorizedAccessException exception)
        {
            _log($"abort through fusectl failed: {exception.Message}");
        }
        try
        {
            WithTimeout(() => FuseMount.Unmount(Mountpoint, detach: true), s_stopTimeout, $"umount2(MNT_DETACH) of '{Mountpoint}'");
        }
        catch (TimeoutException exception)
        {
            _log(exception.Message);
        }
        if (!_finished.Wait(s_stopTimeout))
        {
            // Readers still blocked: closing the device ends them.
            _device.Dispose();
            _finished.Wait(s_stopTimeout);
        }
    }

    /// <summary>
    /// Runs a mount-table system call with a deadline: mount(2) and umount2(2) can block for as long
    /// as another, hung FUSE server holds the kernel's mount locks, and a test must fail, not hang.
    /// The call itself cannot be cancelled; its thread is left to finish.
    /// </summary>
    private static T WithTimeout<T>(Func<T> call, TimeSpan timeout, string what)
    {
        Task<T> task = Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        bool completed;
        try
        {
            completed = task.Wait(timeout);
        }
        catch (AggregateException)
        {
            completed = true; // rethrown unwrapped below
        }
        if (!completed)
        {
            throw new TimeoutException($"LossyFs: {what} did not return within {timeout.TotalSeconds} s (another FUSE server may be hung holding the mount locks).");
        }
        return task.GetAwaiter().GetResult();
    }

    private void OnSessionEnded()
    {
        if (!_crashRequested)
        {
            // Unmounted (by us or by umount): a clean shutdown makes everything durable.
            byte[] scratch = new byte[FuseSession.MaxWriteBytes];
            _persistErrno = _tree.PersistAll(scratch);
            if (_persistErrno != 0)
            {
                _log($"making the state durable at unmount failed: {ErrnoName.Describe(_persistErrno)}");
            }
        }
        _tree.Dispose();
        _control?.StopAccepting();
    }
}
