using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Writeback.Native;

namespace Writeback.Tests;

/// <summary>
/// Every hard-coded constant and struct layout the interop uses, checked against the C headers of
/// this machine by compiling and running a small C probe with gcc.
/// </summary>
public sealed class AbiTests
{
    private const string Probe = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <fcntl.h>
        #include <stddef.h>
        #include <stdint.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/eventfd.h>
        #include <signal.h>
        #include <sys/mount.h>
        #include <sys/ptrace.h>
        #include <sys/socket.h>
        #include <sys/stat.h>
        #include <sys/statvfs.h>
        #include <sys/uio.h>
        #include <sys/mman.h>
        #include <sys/syscall.h>
        #include <sys/wait.h>
        #include <linux/falloc.h>
        #include <linux/io_uring.h>
        #include <sys/types.h>
        #include <time.h>
        #include <unistd.h>
        #ifdef WITH_CACHESTAT
        #include <linux/mman.h>
        #endif
        #define P(name) printf("%s=%lld\n", #name, (long long)(name))
        #define S(name, value) printf("%s=%lld\n", name, (long long)(value))
        int main(void) {
            P(O_RDONLY); P(O_WRONLY); P(O_RDWR); P(O_CREAT); P(O_EXCL); P(O_TRUNC); P(O_NONBLOCK); P(O_CLOEXEC); P(O_DIRECTORY);
            P(SEEK_SET); P(SEEK_END); P(CLOCK_MONOTONIC); P(POSIX_FADV_RANDOM); P(POSIX_FADV_DONTNEED);
            P(MS_ASYNC); P(MS_INVALIDATE); P(MS_SYNC);
            P(SYNC_FILE_RANGE_WAIT_BEFORE); P(SYNC_FILE_RANGE_WRITE); P(SYNC_FILE_RANGE_WAIT_AFTER);
            P(PROT_NONE); P(PROT_READ); P(PROT_WRITE); P(MAP_POPULATE); P(EFD_CLOEXEC);
            S("SYS_io_uring_setup", __NR_io_uring_setup); S("SYS_io_uring_enter", __NR_io_uring_enter);
            S("SYS_io_uring_register", __NR_io_uring_register);
            P(IORING_SETUP_CQSIZE); P(IORING_SETUP_CLAMP); P(IORING_FEAT_SINGLE_MMAP); P(IORING_FEAT_NODROP);
            P(IORING_ENTER_GETEVENTS); P(IORING_REGISTER_IOWQ_MAX_WORKERS);
            P(IORING_OFF_SQ_RING); P(IORING_OFF_CQ_RING); P(IORING_OFF_SQES);
            P(IORING_OP_NOP); P(IORING_OP_FSYNC); P(IORING_OP_SYNC_FILE_RANGE); P(IORING_OP_READ); P(IORING_FSYNC_DATASYNC);
        #define L(type, field) S("offsetof(struct " #type ", " #field ")", offsetof(struct type, field))
            S("sizeof(struct io_sqring_offsets)", sizeof(struct io_sqring_offsets));
            L(io_sqring_offsets, head); L(io_sqring_offsets, tail); L(io_sqring_offsets, ring_mask); L(io_sqring_offsets, ring_entries);
            L(io_sqring_offsets, flags); L(io_sqring_offsets, dropped); L(io_sqring_offsets, array);
            S("sizeof(struct io_cqring_offsets)", sizeof(struct io_cqring_offsets));
            L(io_cqring_offsets, head); L(io_cqring_offsets, tail); L(io_cqring_offsets, ring_mask); L(io_cqring_offsets, ring_entries);
            L(io_cqring_offsets, overflow); L(io_cqring_offsets, cqes); L(io_cqring_offsets, flags);
            S("sizeof(struct io_uring_params)", sizeof(struct io_uring_params));
            L(io_uring_params, sq_entries); L(io_uring_params, cq_entries); L(io_uring_params, flags); L(io_uring_params, features);
            L(io_uring_params, sq_thread_idle); L(io_uring_params, wq_fd); L(io_uring_params, sq_off); L(io_uring_params, cq_off);
            S("sizeof(struct io_uring_sqe)", sizeof(struct io_uring_sqe));
            L(io_uring_sqe, opcode); L(io_uring_sqe, flags); L(io_uring_sqe, ioprio); L(io_uring_sqe, fd); L(io_uring_sqe, off);
            L(io_uring_sqe, addr); L(io_uring_sqe, len); L(io_uring_sqe, fsync_flags); L(io_uring_sqe, sync_range_flags);
            L(io_uring_sqe, user_data);
            S("sizeof(struct io_uring_cqe)", sizeof(struct io_uring_cqe));
            L(io_uring_cqe, user_data); L(io_uring_cqe, res); L(io_uring_cqe, flags);
            P(O_ACCMODE); P(O_APPEND); P(O_NOFOLLOW); P(O_PATH); P(AT_FDCWD); P(AT_SYMLINK_NOFOLLOW); P(AT_EMPTY_PATH); P(AT_REMOVEDIR);
            P(AT_SYMLINK_FOLLOW); P(AT_STATX_FORCE_SYNC); P(STATX_BASIC_STATS); P(S_IFMT); P(S_ISGID); P(S_IFDIR); P(S_IFREG); P(S_IFLNK);
            P(RENAME_NOREPLACE); P(RENAME_EXCHANGE); P(RENAME_WHITEOUT); P(MS_NOSUID); P(MS_NODEV); P(MNT_DETACH); P(UTIME_NOW); P(UTIME_OMIT);
            P(AF_UNIX); P(SOCK_STREAM); P(SOL_SOCKET); P(SCM_RIGHTS); P(F_SETFD); P(F_GETFL); P(F_SETFL); P(FD_CLOEXEC); P(FALLOC_FL_KEEP_SIZE);
            P(FALLOC_FL_PUNCH_HOLE); P(FALLOC_FL_ZERO_RANGE); P(WUNTRACED); P(__WNOTHREAD); P(__WALL); P(SA_NOCLDSTOP);
            P(SIGTRAP); P(SIGKILL); P(SIGCHLD); P(SIGCONT); P(SIGSTOP);
            P(PTRACE_CONT); P(PTRACE_SYSCALL); P(PTRACE_GETEVENTMSG); P(PTRACE_SEIZE); P(PTRACE_LISTEN); P(PTRACE_GET_SYSCALL_INFO);
            P(PTRACE_O_TRACESYSGOOD); P(PTRACE_O_TRACEFORK); P(PTRACE_O_TRACEVFORK); P(PTRACE_O_TRACECLONE); P(PTRACE_O_TRACEEXEC);
            P(PTRACE_O_EXITKILL); P(PTRACE_EVENT_FORK); P(PTRACE_EVENT_VFORK); P(PTRACE_EVENT_CLONE); P(PTRACE_EVENT_EXEC);
            P(PTRACE_EVENT_STOP); P(PTRACE_SYSCALL_INFO_ENTRY); P(PTRACE_SYSCALL_INFO_EXIT);
            S("sizeof(struct statx_timestamp)", sizeof(struct statx_timestamp));
            L(statx_timestamp, tv_sec); L(statx_timestamp, tv_nsec); L(statx_timestamp, __reserved);
            S("sizeof(struct statx)", sizeof(struct statx));
            L(statx, stx_mask); L(statx, stx_blksize); L(statx, stx_attributes); L(statx, stx_nlink); L(statx, stx_uid);
            L(statx, stx_gid); L(statx, stx_mode); L(statx, stx_ino); L(statx, stx_size); L(statx, stx_blocks);
            L(statx, stx_attributes_mask); L(statx, stx_atime); L(statx, stx_btime); L(statx, stx_ctime); L(statx, stx_mtime);
            L(statx, stx_rdev_major); L(statx, stx_rdev_minor); L(statx, stx_dev_major); L(statx, stx_dev_minor);
            S("sizeof(struct statvfs)", sizeof(struct statvfs));
            L(statvfs, f_bsize); L(statvfs, f_frsize); L(statvfs, f_blocks); L(statvfs, f_bfree); L(statvfs, f_bavail);
            L(statvfs, f_files); L(statvfs, f_ffree); L(statvfs, f_favail); L(statvfs, f_fsid); L(statvfs, f_flag);
            L(statvfs, f_namemax);
            S("sizeof(struct timespec)", sizeof(struct timespec));
            L(timespec, tv_sec); L(timespec, tv_nsec);
            S("sizeof(struct iovec)", sizeof(struct iovec));
            L(iovec, iov_base); L(iovec, iov_len);
            S("sizeof(struct msghdr)", sizeof(struct msghdr));
            L(msghdr, msg_name); L(msghdr, msg_namelen); L(msghdr, msg_iov); L(msghdr, msg_iovlen); L(msghdr, msg_control);
            L(msghdr, msg_controllen); L(msghdr, msg_flags);
            S("sizeof(struct cmsghdr)", sizeof(struct cmsghdr));
            L(cmsghdr, cmsg_len); L(cmsghdr, cmsg_level); L(cmsghdr, cmsg_type);
            S("CMSG_SPACE(sizeof(int))", CMSG_SPACE(sizeof(int))); S("CMSG_LEN(sizeof(int))", CMSG_LEN(sizeof(int)));
            P(MAP_SHARED); P(MAP_PRIVATE); P(MAP_FIXED); P(MAP_ANONYMOUS); P(MAP_NORESERVE);
            S("MAP_FAILED", (long long)(intptr_t)MAP_FAILED);
            P(MADV_NORMAL); P(MADV_RANDOM); P(MADV_SEQUENTIAL); P(MADV_WILLNEED); P(MADV_DONTNEED); P(MADV_PAGEOUT);
            P(EPERM); P(ENOENT); P(ESRCH); P(EINTR); P(EIO); P(EBADF); P(ECHILD); P(EAGAIN); P(ENOMEM); P(EACCES); P(EFAULT); P(EBUSY);
            P(EEXIST); P(EXDEV); P(ENOTDIR); P(EISDIR); P(EINVAL); P(ENFILE); P(EMFILE); P(EFBIG); P(ENOSPC); P(EROFS);
            P(ENAMETOOLONG); P(ENOSYS); P(ENOTEMPTY); P(EOPNOTSUPP); P(EDQUOT); P(ENODEV); P(ENODATA); P(EPROTO); P(ENOTCONN);
            S("sizeof(off_t)", sizeof(off_t)); S("sizeof(size_t)", sizeof(size_t)); S("sizeof(long)", sizeof(long));
        #ifdef __NR_cachestat
            S("SYS_cachestat", __NR_cachestat);
        #endif
        #ifdef WITH_CACHESTAT
            S("sizeof(struct cachestat_range)", sizeof(struct cachestat_range));
            S("offsetof(struct cachestat_range, off)", offsetof(struct cachestat_range, off));
            S("offsetof(struct cachestat_range, len)", offsetof(struct cachestat_range, len));
            S("sizeof(struct cachestat)", sizeof(struct cachestat));
            S("offsetof(struct cachestat, nr_cache)", offsetof(struct cachestat, nr_cache));
            S("offsetof(struct cachestat, nr_dirty)", offsetof(struct cachestat, nr_dirty));
            S("offsetof(struct cachestat, nr_writeback)", offsetof(struct cachestat, nr_writeback));
            S("offsetof(struct cachestat, nr_evicted)", offsetof(struct cachestat, nr_evicted));
            S("offsetof(struct cachestat, nr_recently_evicted)", offsetof(struct cachestat, nr_recently_evicted));
        #endif
        #if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
            for (int e = 1; e < 134; e++) {
                const char *name = strerrorname_np(e);
                if (name) printf("errname %d=%s\n", e, name);
            }
        #endif
            return 0;
        }
        """;

    private static readonly Lazy<ProbeResult?> s_probe = new(RunProbe);

    private sealed record ProbeResult(Dictionary<string, long> Values, Dictionary<int, string> ErrnoNames, bool HasCachestatHeaders);

    /// <summary>The C# side: every constant of Interop.Libc and Native.Errno, by its C name.</summary>
    private static Dictionary<string, long> ManagedConstants()
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (Type? type in new[] { typeof(Interop.Libc), typeof(Interop.IoUring), typeof(Errno) })
        {
            foreach (FieldInfo? field in type.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public).Where(f => f.IsLiteral))
            {
                values[field.Name] = Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture);
            }
        }
        values["O_DIRECTORY"] = Interop.Libc.O_DIRECTORY;
        values["O_NOFOLLOW"] = Interop.Libc.O_NOFOLLOW;
        // Safety: the pointer constant is only converted to a number, never dereferenced.
        unsafe
        {
            values["MAP_FAILED"] = (long)(nint)Interop.Libc.MAP_FAILED;
        }
        values["sizeof(off_t)"] = sizeof(long);   // every off_t parameter is declared long
        values["sizeof(size_t)"] = IntPtr.Size;   // every size_t parameter is declared nuint
        values["sizeof(long)"] = sizeof(long);    // syscall(2)'s return and number are declared long
        return values;
    }

    private static Dictionary<string, long> ManagedCachestatLayout()
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["sizeof(struct cachestat_range)"] = Marshal.SizeOf<Interop.Libc.cachestat_range>(),
            ["sizeof(struct cachestat)"] = Marshal.SizeOf<Interop.Libc.cachestat>(),
        };
        foreach (string? field in new[] { "off", "len" })
        {
            values[$"offsetof(struct cachestat_range, {field})"] = Marshal.OffsetOf<Interop.Libc.cachestat_range>(field);
        }
        foreach (string? field in new[] { "nr_cache", "nr_dirty", "nr_writeback", "nr_evicted", "nr_recently_evicted" })
        {
            values[$"offsetof(struct cachestat, {field})"] = Marshal.OffsetOf<Interop.Libc.cachestat>(field);
        }
        return values;
    }

    [SkippableFact]
    public void ConstantsMatchTheCHeaders()
    {
        ProbeResult probe = RequireProbe();
        Dictionary<string, long> managed = ManagedConstants();
        var missing = managed.Keys.Where(name => !probe.Values.ContainsKey(name)).ToList();
        // __NR_cachestat is absent from linux-libc-dev before 6.5; it is then checked by the
        // real-kernel cachestat tests instead. Everything else must be in the headers.
        missing.Remove("SYS_cachestat");
        Assert.Empty(missing);
        var mismatches = managed.Where(pair => probe.Values.TryGetValue(pair.Key, out long c) && c != pair.Value)
                                .Select(pair => $"{pair.Key}: C# {pair.Value}, C {probe.Values[pair.Key]}").ToList();
        Assert.Empty(mismatches);
    }

    private static Dictionary<string, long> ManagedIoUringLayout()
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        void Layout<T>(string cName, params (string Managed, string C)[] fields)
        {
            values[$"sizeof(struct {cName})"] = Marshal.SizeOf<T>();
            foreach ((string? managed, string? c) in fields)
            {
                values[$"offsetof(struct {cName}, {c})"] = Marshal.OffsetOf<T>(managed);
            }
        }
        static (string, string)[] Same(params string[] names) => names.Select(n => (n, n)).ToArray();
        Layout<Interop.IoUring.io_sqring_offsets>("io_sqring_offsets", Same("head", "tail", "ring_mask", "ring_entries", "flags", "dropped", "array"));
        Layout<Interop.IoUring.io_cqring_offsets>("io_cqring_offsets", Same("head", "tail", "ring_mask", "ring_entries", "overflow", "cqes", "flags"));
        Layout<Interop.IoUring.io_uring_params>("io_uring_params",
            Same("sq_entries", "cq_entries", "flags", "features", "sq_thread_idle", "wq_fd", "sq_off", "cq_off"));
        Layout<Interop.IoUring.io_uring_sqe>("io_uring_sqe",
            [.. Same("opcode", "flags", "ioprio", "fd", "off", "addr", "len", "user_data"), ("op_flags", "fsync_flags"), ("op_flags", "sync_range_flags")]);
        Layout<Interop.IoUring.io_uring_cqe>("io_uring_cqe", Same("user_data", "res", "flags"));
        return values;
    }

    [SkippableFact]
    public void IoUringStructsMatchTheKernelHeaders()
    {
        AssertAsProbed(RequireProbe(), ManagedIoUringLayout());
    }

    private static void AssertAsProbed(ProbeResult probe, Dictionary<string, long> managed)
    {
        foreach ((string? name, long value) in managed)
        {
            Assert.True(probe.Values.TryGetValue(name, out long c), $"{name} missing from the probe");
            Assert.True(c == value, $"{name}: C# {value}, C {c}");
        }
    }

    /// <summary>The structs of the file-system calls (statx(2), fstatvfs(3), futimens(3), recvmsg(2)), field by field.</summary>
    private static Dictionary<string, long> ManagedFileSystemLayout()
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        void Layout<T>(string cName)
        {
            values[$"sizeof(struct {cName})"] = Marshal.SizeOf<T>();
            foreach (FieldInfo? field in typeof(T).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).Where(f => !f.Name.StartsWith("__spare", StringComparison.Ordinal)))
            {
                values[$"offsetof(struct {cName}, {field.Name})"] = Marshal.OffsetOf<T>(field.Name);
            }
        }
        Layout<Interop.StatxTimestamp>("statx_timestamp");
        Layout<Interop.StatxBuffer>("statx");
        Layout<Interop.StatVfs>("statvfs");
        Layout<Interop.Libc.timespec>("timespec");
        Layout<Interop.IoVec>("iovec");
        Layout<Interop.MsgHdr>("msghdr");
        // CmsgWithFd is one cmsghdr followed by its single int of data: checked as the header's
        // fields, the data's offset (CMSG_LEN minus the int) and the whole (CMSG_SPACE).
        values["sizeof(struct cmsghdr)"] = Marshal.OffsetOf<Interop.CmsgWithFd>(nameof(Interop.CmsgWithFd.fd));
        foreach (string? field in new[] { "cmsg_len", "cmsg_level", "cmsg_type" })
        {
            values[$"offsetof(struct cmsghdr, {field})"] = Marshal.OffsetOf<Interop.CmsgWithFd>(field);
        }
        values["CMSG_LEN(sizeof(int))"] = Marshal.OffsetOf<Interop.CmsgWithFd>(nameof(Interop.CmsgWithFd.fd)) + sizeof(int);
        values["CMSG_SPACE(sizeof(int))"] = Marshal.SizeOf<Interop.CmsgWithFd>();
        return values;
    }

    [SkippableFact]
    public void FileSystemStructsMatchTheCHeaders()
    {
        AssertAsProbed(RequireProbe(), ManagedFileSystemLayout());
    }

    [SkippableFact]
    public void CachestatStructsMatchTheKernelHeaders()
    {
        ProbeResult probe = RequireProbe();
        Skip.IfNot(probe.HasCachestatHeaders,
            "the installed kernel headers (linux-libc-dev) predate Linux 6.5 and have no struct cachestat; install newer headers to check its layout");
        foreach ((string? name, long value) in ManagedCachestatLayout())
        {
            Assert.True(probe.Values.TryGetValue(name, out long c), $"{name} missing from the probe");
            Assert.Equal(c, value);
        }
        Assert.Equal(Interop.Libc.SYS_cachestat, probe.Values["SYS_cachestat"]);
    }

    [SkippableFact]
    public void ErrnoNamesMatchStrerrorname()
    {
        ProbeResult probe = RequireProbe();
        Skip.If(probe.ErrnoNames.Count == 0, "this libc has no strerrorname_np (glibc < 2.32)");
        foreach ((int errno, string? name) in probe.ErrnoNames)
        {
            string ours = ErrnoName.Of(errno);
            if (!ours.StartsWith("errno ", StringComparison.Ordinal))
            {
                Assert.Equal(name, ours);
            }
        }
    }

    private static ProbeResult RequireProbe()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the interop constants are Linux's");
        ProbeResult? probe = s_probe.Value;
        Skip.If(probe is null, "gcc is not installed (apt-get install gcc), so the C headers cannot be probed");
        return probe!;
    }

    private static ProbeResult? RunProbe()
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("writeback-abi-");
        try
        {
            string source = Path.Combine(directory.FullName, "probe.c");
            string binary = Path.Combine(directory.FullName, "probe");
            File.WriteAllText(source, Probe);
            bool hasCachestat = Run("gcc", $"-DWITH_CACHESTAT -o {binary} {source}", out _, out bool notFound);
            if (notFound)
            {
                return null;
            }
            if (!hasCachestat && !Run("gcc", $"-o {binary} {source}", out string? error, out _))
            {
                throw new InvalidOperationException("the ABI probe did not compile: " + error);
            }
            if (!Run(binary, "", out string? output, out _))
            {
                throw new InvalidOperationException("the ABI probe failed: " + output);
            }
            var values = new Dictionary<string, long>(StringComparer.Ordinal);
            var names = new Dictionary<int, string>();
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int separator = line.LastIndexOf('=');
                if (line.StartsWith("errname ", StringComparison.Ordinal))
                {
                    names[int.Parse(line[8..separator], CultureInfo.InvariantCulture)] = line[(separator + 1)..];
                }
                else
                {
                    values[line[..separator]] = long.Parse(line[(separator + 1)..], CultureInfo.InvariantCulture);
                }
            }
            return new ProbeResult(values, names, hasCachestat);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static bool Run(string program, string arguments, out string output, out bool notFound)
    {
        notFound = false;
        var info = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            output = "";
            notFound = true;
            return false;
        }
        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill();
                throw new TimeoutException($"{program} did not finish in 60 s");
            }
            output = stdout.Result + stderr.Result;
            return process.ExitCode == 0;
        }
    }
}
