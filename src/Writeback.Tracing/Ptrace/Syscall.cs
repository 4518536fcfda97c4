namespace Writeback.Tracing.Ptrace;

/// <summary>x86_64 system call numbers the recorder decodes (arch/x86/entry/syscalls/syscall_64.tbl).</summary>
internal static class Syscall
{
    public const int write = 1;
    public const int open = 2;
    public const int close = 3;
    public const int mmap = 9;
    public const int munmap = 11;
    public const int pwrite64 = 18;
    public const int writev = 20;
    public const int mremap = 25;
    public const int msync = 26;
    public const int dup = 32;
    public const int dup2 = 33;
    public const int sendfile = 40;
    public const int clone = 56;
    public const int exit = 60;
    public const int fcntl = 72;
    public const int fsync = 74;
    public const int fdatasync = 75;
    public const int truncate = 76;
    public const int ftruncate = 77;
    public const int rename = 82;
    public const int mkdir = 83;
    public const int rmdir = 84;
    public const int creat = 85;
    public const int link = 86;
    public const int unlink = 87;
    public const int symlink = 88;
    public const int sync = 162;
    public const int exit_group = 231;
    public const int openat = 257;
    public const int mkdirat = 258;
    public const int unlinkat = 263;
    public const int renameat = 264;
    public const int linkat = 265;
    public const int symlinkat = 266;
    public const int splice = 275;
    public const int sync_file_range = 277;
    public const int fallocate = 285;
    public const int dup3 = 292;
    public const int pwritev = 296;
    public const int syncfs = 306;
    public const int renameat2 = 316;
    public const int copy_file_range = 326;
    public const int pwritev2 = 328;
    public const int io_uring_setup = 425;
    public const int clone3 = 435;
    public const int close_range = 436;
    public const int openat2 = 437;

    /// <summary>AUDIT_ARCH_X86_64 from &lt;linux/audit.h&gt;: the only architecture decoded.</summary>
    public const uint AUDIT_ARCH_X86_64 = 0xC000003E;

    public const int O_DSYNC = 0x1000;
    public const int O_DIRECT = 0x4000;
    public const int O_SYNC = 0x101000;
    public const int RWF_DSYNC = 2;
    public const int RWF_SYNC = 4;
    public const int RWF_APPEND = 0x10;
    public const int F_DUPFD = 0;
    public const int F_DUPFD_CLOEXEC = 1030;
    public const int MAP_SHARED_VALIDATE = 3;
    public const int MAP_TYPE = 0xf;
    public const ulong CLONE_VM = 0x100;
    public const ulong CLONE_FILES = 0x400;
    public const ulong CLONE_THREAD = 0x10000;
}
