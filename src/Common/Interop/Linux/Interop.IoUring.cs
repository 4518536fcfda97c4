using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>
    /// The io_uring ABI from &lt;linux/io_uring.h&gt; (Linux 5.1+; every field used here exists
    /// since 5.6), spelled as in the header. Layouts and values are checked against the header by
    /// the ABI test; the system calls are in Interop.IoUringSetup.cs, Interop.IoUringEnter.cs and
    /// Interop.IoUringRegister.cs.
    /// </summary>
    internal static partial class IoUring
    {
        internal const long SYS_io_uring_setup = 425;    // the same number on every architecture (5.1)
        internal const long SYS_io_uring_enter = 426;
        internal const long SYS_io_uring_register = 427;

        internal const uint IORING_SETUP_CQSIZE = 1U << 3;
        internal const uint IORING_SETUP_CLAMP = 1U << 4;
        internal const uint IORING_FEAT_SINGLE_MMAP = 1U << 0;
        internal const uint IORING_FEAT_NODROP = 1U << 1;
        internal const uint IORING_ENTER_GETEVENTS = 1U << 0;
        internal const uint IORING_REGISTER_IOWQ_MAX_WORKERS = 19;  // Linux 5.15
        internal const long IORING_OFF_SQ_RING = 0;
        internal const long IORING_OFF_CQ_RING = 0x8000000;
        internal const long IORING_OFF_SQES = 0x10000000;

        internal const byte IORING_OP_NOP = 0;
        internal const byte IORING_OP_FSYNC = 3;
        internal const byte IORING_OP_SYNC_FILE_RANGE = 8;
        internal const byte IORING_OP_READ = 22;
        internal const uint IORING_FSYNC_DATASYNC = 1U << 0;

        /// <summary><c>struct io_sqring_offsets</c>: offsets of the SQ ring's fields in its mapping.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct io_sqring_offsets
        {
            internal uint head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
            internal ulong resv2;
        }

        /// <summary><c>struct io_cqring_offsets</c>: offsets of the CQ ring's fields in its mapping.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct io_cqring_offsets
        {
            internal uint head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
            internal ulong resv2;
        }

        /// <summary><c>struct io_uring_params</c>, in and out of io_uring_setup(2).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct io_uring_params
        {
            internal uint sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd;
            internal uint resv0, resv1, resv2;
            internal io_sqring_offsets sq_off;
            internal io_cqring_offsets cq_off;
        }

        /// <summary>
        /// <c>struct io_uring_sqe</c> (64 bytes), with the union members the library uses:
        /// <c>off</c>, <c>addr</c>, <c>len</c>, and <c>fsync_flags</c> / <c>sync_range_flags</c>
        /// (the same 32 bits, here <see cref="op_flags"/>).
        /// </summary>
        [StructLayout(LayoutKind.Explicit, Size = 64)]
        internal struct io_uring_sqe
        {
            [FieldOffset(0)] internal byte opcode;
            [FieldOffset(1)] internal byte flags;
            [FieldOffset(2)] internal ushort ioprio;
            [FieldOffset(4)] internal int fd;
            [FieldOffset(8)] internal ulong off;
            [FieldOffset(16)] internal ulong addr;
            [FieldOffset(24)] internal uint len;
            [FieldOffset(28)] internal uint op_flags;
            [FieldOffset(32)] internal ulong user_data;
        }

        /// <summary><c>struct io_uring_cqe</c> (16 bytes without IORING_SETUP_CQE32).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct io_uring_cqe
        {
            internal ulong user_data;
            internal int res;
            internal uint flags;
        }
    }
}
