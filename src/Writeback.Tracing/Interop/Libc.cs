using System.Runtime.InteropServices;

namespace Writeback.Tracing.Interop;

/// <summary>
/// The libc calls the recorder makes: ptrace(2), waitpid(2), process_vm_readv(2), kill(2),
/// posix_spawn(3) and realpath(3). Constants are spelled as in the C headers
/// (&lt;sys/ptrace.h&gt;, &lt;linux/ptrace.h&gt;, &lt;sys/wait.h&gt;, &lt;fcntl.h&gt;, &lt;sys/mman.h&gt;).
/// </summary>
internal static unsafe partial class Libc
{
    private const string LibraryName = "libc";

    public const int PTRACE_CONT = 7;
    public const int PTRACE_SYSCALL = 24;
    public const int PTRACE_GETEVENTMSG = 0x4201;
    public const int PTRACE_SEIZE = 0x4206;
    public const int PTRACE_LISTEN = 0x4208;
    public const int PTRACE_GET_SYSCALL_INFO = 0x420e;

    public const int PTRACE_O_TRACESYSGOOD = 0x1;
    public const int PTRACE_O_TRACEFORK = 0x2;
    public const int PTRACE_O_TRACEVFORK = 0x4;
    public const int PTRACE_O_TRACECLONE = 0x8;
    public const int PTRACE_O_TRACEEXEC = 0x10;
    public const int PTRACE_O_EXITKILL = 0x100000;

    public const int PTRACE_EVENT_FORK = 1;
    public const int PTRACE_EVENT_VFORK = 2;
    public const int PTRACE_EVENT_CLONE = 3;
    public const int PTRACE_EVENT_EXEC = 4;
    public const int PTRACE_EVENT_STOP = 128;

    public const byte PTRACE_SYSCALL_INFO_ENTRY = 1;
    public const byte PTRACE_SYSCALL_INFO_EXIT = 2;

    public const int WUNTRACED = 2;
    public const int __WNOTHREAD = 0x20000000;
    public const int __WALL = 0x40000000;

    public const int SIGKILL = 9;
    public const int SIGTRAP = 5;
    public const int SIGCHLD = 17;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_CREAT = 0x40;
    public const int O_TRUNC = 0x200;

    public const int SA_NOCLDSTOP = 1;

    public const int EINTR = 4;
    public const int ECHILD = 10;
    public const int ESRCH = 3;
    public const int EPERM = 1;

    /// <summary>ptrace(2) with a pointer argument.</summary>
    [LibraryImport(LibraryName, EntryPoint = "ptrace", SetLastError = true)]
    public static partial long Ptrace(long request, int pid, nint address, nint data);

    /// <summary>waitpid(2).</summary>
    [LibraryImport(LibraryName, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    /// <summary>kill(2).</summary>
    [LibraryImport(LibraryName, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>process_vm_readv(2): reads another process's memory.</summary>
    [LibraryImport(LibraryName, EntryPoint = "process_vm_readv", SetLastError = true)]
    public static partial nint ProcessVmReadv(int pid, IoVec* localIov, nuint localCount, IoVec* remoteIov, nuint remoteCount, nuint flags);

    /// <summary>posix_spawn(3).</summary>
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn", SetLastError = true)]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    /// <summary>posix_spawn_file_actions_init(3).</summary>
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int PosixSpawnFileActionsInit(void* fileActions);

    /// <summary>posix_spawn_file_actions_destroy(3).</summary>
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int PosixSpawnFileActionsDestroy(void* fileActions);

    /// <summary>posix_spawn_file_actions_addopen(3).</summary>
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_addopen")]
    public static partial int PosixSpawnFileActionsAddOpen(void* fileActions, int fd, byte* path, int flags, uint mode);

    /// <summary>posix_spawn_file_actions_addchdir_np(3) (glibc 2.29).</summary>
    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    public static partial int PosixSpawnFileActionsAddChdir(void* fileActions, byte* path);

    /// <summary>realpath(3) into a caller buffer of PATH_MAX bytes.</summary>
    [LibraryImport(LibraryName, EntryPoint = "realpath", SetLastError = true)]
    public static partial byte* RealPath(byte* path, byte* resolved);

    /// <summary>sigaction(2), glibc's wrapper (it supplies the restorer).</summary>
    [LibraryImport(LibraryName, EntryPoint = "sigaction", SetLastError = true)]
    public static partial int SigAction(int signal, SigActionStruct* action, SigActionStruct* oldAction);

    /// <summary>glibc's struct sigaction on x86_64: handler, 1024-bit mask, flags, restorer.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 152)]
    public struct SigActionStruct
    {
        [FieldOffset(0)] public nint Handler;
        [FieldOffset(136)] public int Flags;
        [FieldOffset(144)] public nint Restorer;
    }

    /// <summary>The size glibc gives posix_spawn_file_actions_t on x86_64 (80 bytes), rounded up for safety.</summary>
    public const int PosixSpawnFileActionsSize = 128;

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct ptrace_syscall_info from &lt;linux/ptrace.h&gt; (entry and exit views of the union).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 88)]
    public struct PtraceSyscallInfo
    {
        [FieldOffset(0)] public byte Op;
        [FieldOffset(4)] public uint Arch;
        [FieldOffset(8)] public ulong InstructionPointer;
        [FieldOffset(16)] public ulong StackPointer;
        [FieldOffset(24)] public ulong EntryNr;
        [FieldOffset(32)] public fixed ulong EntryArgs[6];
        [FieldOffset(24)] public long ExitRval;
        [FieldOffset(32)] public byte ExitIsError;
    }

    public static bool WIFEXITED(int status) => (status & 0x7f) == 0;

    public static int WEXITSTATUS(int status) => (status >> 8) & 0xff;

    public static bool WIFSIGNALED(int status) => ((status & 0x7f) + 1) >> 1 > 0 && (status & 0x7f) != 0x7f && (status & 0x7f) != 0;

    public static int WTERMSIG(int status) => status & 0x7f;

    public static bool WIFSTOPPED(int status) => (status & 0xff) == 0x7f;

    public static int WSTOPSIG(int status) => (status >> 8) & 0xff;
}
