using System.Runtime.CompilerServices;
using Writeback.Native;
using static Interop.IoUring;

namespace Writeback.Backends.Linux;

/// <summary>
/// The io_uring engine: one ring for the process and one thread, the completion thread, which is
/// also the only thread that calls io_uring_enter(2) to submit. Callers write their SQE into the
/// shared submission queue under a short lock and wake the completion thread through an eventfd
/// (one write(2), skipped when a wake-up is already pending); the completion thread submits what is
/// queued and waits for completions in the same io_uring_enter call. Submitting from one task
/// matters: the kernel's io-wq workers that run SYNC_FILE_RANGE and FSYNC belong to the submitting
/// task, so callers submitting themselves would each grow their own set of worker threads.
/// Those workers are capped with IORING_REGISTER_IOWQ_MAX_WORKERS (<see cref="MaxBoundedWorkers"/>).
/// </summary>
/// <remarks>
/// IORING_OP_SYNC_FILE_RANGE cannot be issued without blocking, so io_uring always hands it to
/// io-wq and the submitter never waits on the device (io_uring/sync.c). IORING_OP_FSYNC with
/// <c>off</c>/<c>len</c> and IORING_FSYNC_DATASYNC calls
/// <c>vfs_fsync_range(file, off, off + len, 1)</c> (a <c>len</c> of 0 means to the end of the file),
/// the call msync(MS_SYNC) makes for a shared file mapping (mm/msync.c). <c>len</c> is 32 bits
/// wide, so <see cref="MaxRequestBytes"/> is below 4 GiB and the front splits longer ranges.
/// Memory ordering follows io_uring(7): the tails we publish are written with a release
/// (Volatile.Write) after the entry, the kernel's tails are read with an acquire
/// (Volatile.Read) before the entries they cover.
/// </remarks>
/// <remarks>
/// Safety (of the unsafe members, for the SQE and eventfd-buffer pointers): SQEs come from
/// <see cref="NextEntry"/> under the lock; the 8-byte eventfd buffer is native memory
/// allocated once and never freed, as the engine lives as long as the process.
/// </remarks>
internal sealed class IoUringEngine : DurabilityEngine
{
    /// <summary>Submission queue entries; also the number of requests in flight at once.</summary>
    private const uint Entries = 256;

    /// <summary>
    /// The most io-wq workers for bounded work (regular files): one per CPU, at least 2 and at most
    /// 4, so any number of files adds a handful of threads (the kernel's default is 4 per CPU). Each
    /// blocking sync holds a worker; more than one per CPU rarely helps a single device.
    /// </summary>
    public static readonly uint MaxBoundedWorkers = (uint)Math.Clamp(Environment.ProcessorCount, 2, 4);

    private const ulong WakeTag = ulong.MaxValue;

    private readonly object _gate = new();
    private readonly IoUringRing _ring;
    // The producer side of _ring's submission queue, written under _gate (in this file, so a
    // submission runs through no other file of the engine).
    private readonly unsafe uint* _sqTail;
    private readonly uint _sqMask;
    private readonly unsafe uint* _sqArray;
    private readonly unsafe io_uring_sqe* _sqes;
    private uint _localTail;
    private readonly SafeFileDescriptorHandle _eventFd;
    private readonly unsafe ulong* _eventValue;
    private readonly AsyncRequest[] _slots;
    private readonly int[] _freeSlots;
    private int _freeCount;
    private readonly Queue<AsyncRequest> _overflow = new();
    private int _waitingForSlot;
    private int _wakePending;
    private uint _submittedTail;

    // Safety: the eventfd buffer is allocated here and never freed (the engine lives as long as the
    // process); the SQ pointers are the ring's, which the engine never disposes.
    private unsafe IoUringEngine(IoUringRing ring, SafeFileDescriptorHandle eventFd)
    {
        _ring = ring;
        _sqTail = ring.SqTail;
        _sqMask = ring.SqMask;
        _sqArray = ring.SqArray;
        _sqes = ring.Sqes;
        _localTail = *_sqTail;
        _eventFd = eventFd;
        _eventValue = (ulong*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(sizeof(ulong));
        int slotCount = (int)Math.Min(ring.SqEntries, Entries) - 1; // one entry stays free for the eventfd read
        _slots = new AsyncRequest[slotCount];
        _freeSlots = new int[slotCount];
        for (int i = 0; i < slotCount; i++)
        {
            _freeSlots[i] = slotCount - 1 - i;
        }
        _freeCount = slotCount;
    }

    public override string Description => "io_uring";

    /// <summary>The largest page-aligned length below 2^32: SQE <c>len</c> is a __u32.</summary>
    public override long MaxRequestBytes => 0xFFFF_0000L;

    public override string NameOf(AsyncOperation operation) => operation switch
    {
        AsyncOperation.StartWriteback => SystemCalls.SyncFileRange,
        AsyncOperation.SyncRange => SystemCalls.IoUringFsyncRange,
        _ => SystemCalls.IoUringFsync,
    };

    /// <summary>
    /// Starts the completion thread, which creates the ring (so the ring's io-wq belongs to it);
    /// returns null with the errno when the kernel refuses io_uring.
    /// </summary>
    public static IoUringEngine? TryStart(out int errno)
    {
        IoUringEngine? engine = null;
        int setupErrno = 0;
        using var ready = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            MarkEngineThread();
            setupErrno = TryCreate(out engine);
            ready.Set();
            engine?.Run();
        })
        { IsBackground = true, Name = "Writeback engine (io_uring)" };
        thread.Start();
        ready.Wait();
        errno = setupErrno;
        return engine;
    }

    private static int TryCreate(out IoUringEngine? engine)
    {
        engine = null;
        int errno = IoUringRing.TryCreate(Entries, out IoUringRing? ring);
        if (ring is null)
        {
            return errno;
        }
        errno = Interop.Libc.EventFd(0, Interop.Libc.EFD_CLOEXEC, out SafeFileDescriptorHandle? eventFd);
        if (errno != 0)
        {
            ring.Dispose();
            return errno;
        }
        ring.LimitWorkers(MaxBoundedWorkers, MaxBoundedWorkers);
        engine = new IoUringEngine(ring, eventFd);
        lock (engine._gate)
        {
            engine.ArmWake();
        }
        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Submit(in AsyncRequest request)
    {
        // The engine holds a reference on the file until the completion, so the descriptor number
        // in the SQE stays valid; taken first, so a closed handle throws before anything changed.
        bool added = false;
        request.File.DangerousAddRef(ref added);
        lock (_gate)
        {
            if (_freeCount == 0 && OnEngineThread)
            {
                // A completion handler submitting (the next group of a file) must not wait for a
                // slot only this thread can free: the request waits in the overflow queue instead.
                _overflow.Enqueue(request);
                return;
            }
            while (_freeCount == 0)
            {
                _waitingForSlot++;
                Monitor.Wait(_gate);
                _waitingForSlot--;
            }
            Occupy(_freeSlots[--_freeCount], request);
        }
        // On the completion thread (a completion handler submitting the next group) no wake-up is
        // needed: Run submits everything published when the handlers return.
        if (!OnEngineThread)
        {
            Wake();
        }
    }

    // Under the lock: the request (whose file the caller referenced) takes the slot and its SQE is published.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Occupy(int slot, in AsyncRequest request)
    {
        _slots[slot] = request;
        WriteEntry(request, (ulong)slot);
    }

    // Called under the lock. A free slot means a free SQE: slots are never more than SQ entries,
    // and the completion thread submits every published entry before it waits.
    // Safety: the SQE comes from NextEntry under the lock and is published before the lock is released.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void WriteEntry(in AsyncRequest request, ulong slot)
    {
        int fd = (int)request.File.DangerousGetHandle();
        io_uring_sqe* sqe = NextEntry();
        sqe->fd = fd;
        sqe->off = (ulong)request.OffsetBytes;
        sqe->user_data = slot;
        switch (request.Operation)
        {
            case AsyncOperation.StartWriteback:
                sqe->opcode = IORING_OP_SYNC_FILE_RANGE;
                sqe->len = (uint)request.LengthBytes;
                sqe->op_flags = Interop.Libc.SYNC_FILE_RANGE_WRITE;
                break;
            case AsyncOperation.SyncRange:
                // The kernel passes off + len as the inclusive end; msync(MS_SYNC) passes the range's
                // last byte. len - 1 makes the two calls cover exactly the same bytes.
                sqe->opcode = IORING_OP_FSYNC;
                sqe->len = (uint)(request.LengthBytes - 1);
                sqe->op_flags = IORING_FSYNC_DATASYNC;
                break;
            default:
                sqe->opcode = IORING_OP_FSYNC; // off 0, len 0: vfs_fsync_range(file, 0, LLONG_MAX, 0), fsync(2)
                sqe->off = 0;
                break;
        }
        Publish();
    }

    // Returns the next SQE, zeroed, for the caller to fill before Publish. Under the lock; the
    // caller guarantees a free entry (fewer unsubmitted entries than the ring's SQ entries).
    // Safety: see the comment inside; the returned SQE is written only under the lock, before Publish.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe io_uring_sqe* NextEntry()
    {
        // The entry at the local tail is not yet published, so the kernel does not read it, and the
        // lock keeps other producers away. Indices are masked with the kernel's ring_mask.
        uint index = _localTail & _sqMask;
        io_uring_sqe* sqe = &_sqes[index];
        *sqe = default;
        _sqArray[index] = index;
        return sqe;
    }

    // Publishes the entry NextEntry returned: a release store of the new tail.
    // Safety: _sqTail points into the SQ ring mapping, which lives as long as the engine.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void Publish()
    {
        _localTail++;
        Volatile.Write(ref *_sqTail, _localTail);
    }

    // Arms a read of the eventfd; its completion wakes the completion thread. Called under the lock.
    // Safety: the SQE comes from NextEntry under the lock; the read targets the never-freed 8-byte buffer.
    private unsafe void ArmWake()
    {
        io_uring_sqe* sqe = NextEntry();
        sqe->opcode = IORING_OP_READ;
        sqe->fd = (int)_eventFd.DangerousGetHandle();
        sqe->addr = (ulong)_eventValue;
        sqe->len = sizeof(ulong);
        sqe->user_data = WakeTag;
        Publish();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            _ = Interop.Libc.SignalEventFd(_eventFd);
        }
    }

    private void Run()
    {
        while (true)
        {
            uint toSubmit = _ring.PublishedTail - _submittedTail;
            int errno = Enter(_ring.Handle, toSubmit, 1, IORING_ENTER_GETEVENTS, out int submitted);
            _submittedTail += (uint)submitted;
            if (errno is not (0 or Errno.EAGAIN or Errno.EBUSY))
            {
                Environment.FailFast($"io_uring_enter failed: {ErrnoName.Of(errno)}; the durability engine cannot continue.");
            }
            _ring.Reap(this);
        }
    }

    /// <summary>Called by the ring for each completion, on the completion thread.</summary>
    internal void OnCompletion(ulong userData, int errno)
    {
        if (userData == WakeTag)
        {
            Volatile.Write(ref _wakePending, 0);
            Interlocked.MemoryBarrier(); // the clear happens before the next read of the published tail
            lock (_gate)
            {
                ArmWake();
            }
            return;
        }
        int slot = (int)userData;
        AsyncRequest request;
        lock (_gate)
        {
            request = _slots[slot];
            _slots[slot] = default;
            if (_overflow.TryDequeue(out AsyncRequest waiting))
            {
                Occupy(slot, waiting); // submitted by the next io_uring_enter of this thread
            }
            else
            {
                _freeSlots[_freeCount++] = slot;
                if (_waitingForSlot > 0)
                {
                    Monitor.Pulse(_gate);
                }
            }
        }
        request.File.DangerousRelease();
        request.Target.OnCompleted(request, errno);
    }
}
