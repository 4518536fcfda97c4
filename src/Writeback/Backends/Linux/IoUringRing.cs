using System.Runtime.InteropServices;
using Writeback.Native;
using static Interop.IoUring;

namespace Writeback.Backends.Linux;

/// <summary>
/// One io_uring instance: the ring descriptor and the mappings of its submission queue, completion
/// queue and SQE array (io_uring_setup(2), "mmap the rings"). The producer side (writing SQEs and
/// the SQ tail) is the engine's, under its lock, through
/// <see cref="SqTail"/>, <see cref="SqArray"/> and <see cref="Sqes"/>; the consumer
/// side (<see cref="Reap"/>) runs on the
/// completion thread only.
/// </summary>
/// <remarks>
/// Safety (of every unsafe member): every pointer is into the three mappings this object owns,
/// at offsets the kernel reported in io_uring_params, and the mappings live until Dispose, which the
/// process-wide engine never calls after setup. SQ indices are masked with the kernel's ring_mask.
/// </remarks>
internal sealed class IoUringRing : IDisposable
{
    private readonly SafeFileDescriptorHandle _ring;
    private readonly SafeMappingHandle _sqMapping;
    private readonly SafeMappingHandle? _cqMapping;
    private readonly SafeMappingHandle _sqeMapping;
    private readonly unsafe uint* _sqHead;
    private readonly unsafe uint* _sqTail;
    private readonly uint _sqMask;
    private readonly unsafe uint* _sqArray;
    private readonly unsafe io_uring_sqe* _sqes;
    private readonly unsafe uint* _cqHead;
    private readonly unsafe uint* _cqTail;
    private readonly uint _cqMask;
    private readonly unsafe io_uring_cqe* _cqes;

    // Safety: the offsets come from io_uring_params as the kernel filled them, inside the mappings just made.
    private unsafe IoUringRing(SafeFileDescriptorHandle ring, in io_uring_params p, SafeMappingHandle sq, SafeMappingHandle? cq, SafeMappingHandle sqes)
    {
        _ring = ring;
        _sqMapping = sq;
        _cqMapping = cq;
        _sqeMapping = sqes;
        SqEntries = p.sq_entries;
        byte* sqBase = (byte*)sq.Address;
        byte* cqBase = (byte*)(cq ?? sq).Address;
        _sqHead = (uint*)(sqBase + p.sq_off.head);
        _sqTail = (uint*)(sqBase + p.sq_off.tail);
        _sqMask = *(uint*)(sqBase + p.sq_off.ring_mask);
        _sqArray = (uint*)(sqBase + p.sq_off.array);
        _sqes = (io_uring_sqe*)sqes.Address;
        _cqHead = (uint*)(cqBase + p.cq_off.head);
        _cqTail = (uint*)(cqBase + p.cq_off.tail);
        _cqMask = *(uint*)(cqBase + p.cq_off.ring_mask);
        _cqes = (io_uring_cqe*)(cqBase + p.cq_off.cqes);
    }

    /// <summary>The submission queue's size, as the kernel rounded it.</summary>
    public uint SqEntries { get; }

    /// <summary>The ring's descriptor.</summary>
    public SafeFileDescriptorHandle Handle => _ring;

    /// <summary>The SQ tail the kernel reads (the engine writes it, under its lock).</summary>
    // Safety: a pointer into the SQ ring mapping, which lives as long as this object.
    public unsafe uint* SqTail => _sqTail;

    /// <summary>The SQ ring's index mask.</summary>
    public uint SqMask => _sqMask;

    /// <summary>The SQ ring's array of SQE indices.</summary>
    // Safety: a pointer into the SQ ring mapping, which lives as long as this object.
    public unsafe uint* SqArray => _sqArray;

    /// <summary>The SQE array.</summary>
    // Safety: a pointer into the SQE mapping, which lives as long as this object.
    public unsafe io_uring_sqe* Sqes => _sqes;

    /// <summary>The tail published so far (entries written; the kernel consumes them at the next io_uring_enter).</summary>
    // Safety: _sqTail points into the SQ ring mapping, which lives as long as this object.
    public unsafe uint PublishedTail => Volatile.Read(ref *_sqTail);

    /// <summary>Sets up a ring with <paramref name="entries"/> SQ entries; returns 0 and the ring, or the errno.</summary>
    // Safety: io_uring_setup fills a local io_uring_params; the mappings are sized from it.
    public static unsafe int TryCreate(uint entries, out IoUringRing? ring)
    {
        ring = null;
        io_uring_params p = default;
        int fd = io_uring_setup(SYS_io_uring_setup, entries, &p);
        if (fd < 0)
        {
            return Interop.LastErrno;
        }
        var handle = new SafeFileDescriptorHandle(fd);
        uint sqBytes = p.sq_off.array + (p.sq_entries * sizeof(uint));
        uint cqBytes = p.cq_off.cqes + (p.cq_entries * (uint)sizeof(io_uring_cqe));
        bool single = (p.features & IORING_FEAT_SINGLE_MMAP) != 0;
        int errno = MapRing(handle, single ? Math.Max(sqBytes, cqBytes) : sqBytes, IORING_OFF_SQ_RING, out SafeMappingHandle? sq);
        SafeMappingHandle? cq = null;
        if (errno == 0 && !single)
        {
            errno = MapRing(handle, cqBytes, IORING_OFF_CQ_RING, out cq);
        }
        SafeMappingHandle? sqes = null;
        if (errno == 0)
        {
            errno = MapRing(handle, p.sq_entries * (uint)sizeof(io_uring_sqe), IORING_OFF_SQES, out sqes);
        }
        if (errno != 0)
        {
            sq?.Dispose();
            cq?.Dispose();
            handle.Dispose();
            return errno;
        }
        ring = new IoUringRing(handle, p, sq!, cq, sqes!);
        return 0;
    }

    // Safety: mmap of the ring descriptor at the kernel's offsets; the result is checked against MAP_FAILED.
    private static unsafe int MapRing(SafeFileDescriptorHandle ring, long bytes, long offset, out SafeMappingHandle? mapping)
    {
        mapping = null;
        void* address = Interop.Libc.mmap(null, (nuint)bytes, Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE,
                                        Interop.Libc.MAP_SHARED | Interop.Libc.MAP_POPULATE, ring, offset);
        if (address == Interop.Libc.MAP_FAILED)
        {
            return Interop.LastErrno;
        }
        mapping = new SafeMappingHandle((nint)address, bytes);
        return 0;
    }

    /// <summary>
    /// Caps the io-wq workers of the tasks that submit to this ring (Linux 5.15+; older kernels
    /// reject the opcode and keep their default of 4 per CPU for bounded work). Best effort.
    /// </summary>
    // Safety: the kernel reads two uints from a stack buffer of two.
    public unsafe void LimitWorkers(uint bounded, uint unbounded)
    {
        uint* limits = stackalloc uint[2] { bounded, unbounded };
        _ = io_uring_register(SYS_io_uring_register, _ring, IORING_REGISTER_IOWQ_MAX_WORKERS, limits, 2);
    }

    /// <summary>Hands every available completion to <paramref name="engine"/>, then frees their slots in the ring.</summary>
    // Safety: only the completion thread reads the CQ ring; indices are masked with the kernel's ring_mask.
    public unsafe void Reap(IoUringEngine engine)
    {
        uint head = *_cqHead; // only this thread writes the CQ head
        uint tail = Volatile.Read(ref *_cqTail); // acquire: the CQEs up to tail are written
        while (head != tail)
        {
            io_uring_cqe cqe = _cqes[head & _cqMask];
            head++;
            Volatile.Write(ref *_cqHead, head); // release: the kernel may reuse the entry now that it is copied
            engine.OnCompletion(cqe.user_data, cqe.res < 0 ? -cqe.res : 0); // a CQE's res is -errno: negated here, where it is read
        }
    }

    /// <summary>Unmaps the rings and closes the descriptor.</summary>
    public void Dispose()
    {
        _sqeMapping.Dispose();
        _cqMapping?.Dispose();
        _sqMapping.Dispose();
        _ring.Dispose();
    }
}
