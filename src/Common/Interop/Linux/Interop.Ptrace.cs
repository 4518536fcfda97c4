using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <sys/ptrace.h>, <linux/ptrace.h>: requests.
        internal const int PTRACE_CONT = 7;
        internal const int PTRACE_SYSCALL = 24;
        internal const int PTRACE_GETEVENTMSG = 0x4201;
        internal const int PTRACE_SEIZE = 0x4206;
        internal const int PTRACE_LISTEN = 0x4208;
        internal const int PTRACE_GET_SYSCALL_INFO = 0x420e;

        // PTRACE_SETOPTIONS / PTRACE_SEIZE options.
        internal const int PTRACE_O_TRACESYSGOOD = 0x1;
        internal const int PTRACE_O_TRACEFORK = 0x2;
        internal const int PTRACE_O_TRACEVFORK = 0x4;
        internal const int PTRACE_O_TRACECLONE = 0x8;
        internal const int PTRACE_O_TRACEEXEC = 0x10;
        internal const int PTRACE_O_EXITKILL = 0x100000;

        // Events, in bits 16.. of a waitpid status.
        internal const int PTRACE_EVENT_FORK = 1;
        internal const int PTRACE_EVENT_VFORK = 2;
        internal const int PTRACE_EVENT_CLONE = 3;
        internal const int PTRACE_EVENT_EXEC = 4;
        internal const int PTRACE_EVENT_STOP = 128;

        // struct ptrace_syscall_info's op.
        internal const byte PTRACE_SYSCALL_INFO_ENTRY = 1;
        internal const byte PTRACE_SYSCALL_INFO_EXIT = 2;

        /// <summary>
        /// ptrace(2) with a pointer argument. Not restarted on EINTR: its man page does not list it
        /// (<see cref="Eintr"/>).
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "ptrace", SetLastError = true)]
        internal static partial long ptrace(long request, int pid, nint address, nint data);

        /// <summary>struct ptrace_syscall_info from &lt;linux/ptrace.h&gt; (entry and exit views of the union).</summary>
        [StructLayout(LayoutKind.Explicit, Size = 88)]
        internal struct PtraceSyscallInfo
        {
            [FieldOffset(0)] public byte Op;
            [FieldOffset(4)] public uint Arch;
            [FieldOffset(8)] public ulong InstructionPointer;
            [FieldOffset(16)] public ulong StackPointer;
            [FieldOffset(24)] public ulong EntryNr;
            [FieldOffset(32)] public unsafe fixed ulong EntryArgs[6];
            [FieldOffset(24)] public long ExitRval;
            [FieldOffset(32)] public byte ExitIsError;
        }
    }
}
