using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Writeback.Native;

namespace Writeback.Tracing.Ptrace;

/// <summary>
/// The ptrace loop. Every ptrace and waitpid call is made by the one thread that runs
/// <see cref="Run"/>: ptrace(2) binds a tracee to the thread that seized it. What a system call
/// means is the <see cref="SyscallDecoder"/>'s business; this class follows tasks and stops.
/// </summary>
internal sealed class Tracer
{
    private const int Options = Interop.Libc.PTRACE_O_TRACESYSGOOD | Interop.Libc.PTRACE_O_TRACEFORK | Interop.Libc.PTRACE_O_TRACEVFORK
                                | Interop.Libc.PTRACE_O_TRACECLONE | Interop.Libc.PTRACE_O_TRACEEXEC | Interop.Libc.PTRACE_O_EXITKILL;

    /// <summary>The stop signal of a system call stop: SIGTRAP with bit 7 set, as PTRACE_O_TRACESYSGOOD asks (ptrace(2)).</summary>
    private const int SyscallStopSignal = Interop.Libc.SIGTRAP | 0x80;

    /// <summary>The number of system call arguments ptrace reports.</summary>
    private const int ArgumentCount = 6;

    private readonly RecorderOptions _options;
    private readonly string _directory;
    private readonly string _program;
    private readonly Dictionary<int, TracedTask> _tasks = [];
    private readonly ConcurrentDictionary<int, bool> _live = new();
    private readonly Dictionary<int, int> _parked = []; // tid -> the signal of its first stop
    private readonly Dictionary<int, TraceTask> _names = []; // tid -> its process and the program that process runs
    private readonly SyscallDecoder _decoder;
    private string? _refusal;
    private volatile bool _timedOut;

    public Tracer(RecorderOptions options, string directory, string program)
    {
        _options = options;
        _directory = directory;
        _program = program;
        _decoder = new SyscallDecoder(directory, () => _tasks.Values.Select(t => t.Memory), Refuse);
    }

    /// <summary>Runs the program to completion under ptrace and returns what it did; throws <see cref="TraceException"/> for every bad outcome.</summary>
    public Recording Run()
    {
        _decoder.SnapshotDirectory();
        string standardError = Path.Combine(Path.GetTempPath(), $"writeback-trace-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}.stderr");
        try
        {
            int pid = Spawner.Spawn(_program, _options.Arguments, _directory, standardError);
            _live[pid] = true;
            Seize(pid);
            int exitStatus;
            using (ChildStopSignals.Suppress())
            using (new Timer(_ => KillAll(timedOut: true), null, _options.Timeout, Timeout.InfiniteTimeSpan))
            {
                exitStatus = Loop(pid);
            }
            _decoder.Finish();
            CheckOutcome(exitStatus, standardError);
            var tids = _decoder.Events.Select(e => e.Pid).ToHashSet();
            return new Recording(_options.Program, _options.Arguments, _directory, [.. _decoder.InitialFiles], [.. _decoder.Events], _decoder.SystemCallCount,
                                 [.. _names.Values.Where(t => tids.Contains(t.Tid)).OrderBy(t => t.Tid)]);
        }
        finally
        {
            KillAll(timedOut: false);
            File.Delete(standardError);
        }
    }

    private void Seize(int pid)
    {
        if (WaitPid(pid, Interop.Libc.WUNTRACED | Interop.Libc.__WNOTHREAD, out int status) != pid || !Interop.Libc.WIFSTOPPED(status))
        {
            throw new TraceException($"trace: the stopped shell that starts '{_options.Program}' exited before it could be traced (wait status {status})");
        }
        if (Interop.Libc.ptrace(Interop.Libc.PTRACE_SEIZE, pid, 0, Options) < 0)
        {
            int errno = Interop.LastErrno;
            Interop.Libc.kill(pid, Interop.Libc.SIGKILL);
            WaitPid(pid, Interop.Libc.__WNOTHREAD, out _);
            _live.Clear();
            throw new TraceException(PtraceDenied(pid, errno));
        }
        var fds = new FdTable();
        fds.Entries[1] = (OpenFile.StandardOutput, false);
        _tasks[pid] = new TracedTask(pid, fds, new AddressSpace { Users = 1 });
        _names[pid] = new TraceTask(pid, pid, TraceScenario.NameOf(_options.Program, _options.Arguments));
        Interop.Libc.kill(pid, Interop.Libc.SIGCONT);
    }

    /// <summary>After an execve the process runs another program: name it after its new command line (/proc/TID/cmdline).</summary>
    private void NameAfterExec(int tid)
    {
        string[] commandLine;
        try
        {
            commandLine = File.ReadAllText($"/proc/{tid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return; // the task is gone: its events keep the name it had
        }
        if (commandLine.Length > 0)
        {
            _names[tid] = new TraceTask(tid, tid, TraceScenario.NameOf(commandLine[0], commandLine[1..]));
        }
    }

    /// <summary>Why PTRACE_SEIZE failed, in one line naming the likely cause.</summary>
    private static string PtraceDenied(int pid, int errno)
    {
        string scope = File.Exists("/proc/sys/kernel/yama/ptrace_scope") ? File.ReadAllText("/proc/sys/kernel/yama/ptrace_scope").Trim() : "absent";
        string? tracer = File.ReadLines($"/proc/{Environment.ProcessId}/status").FirstOrDefault(l => l.StartsWith("TracerPid:", StringComparison.Ordinal))?.Split('\t')[^1];
        return $"trace: ptrace(PTRACE_SEIZE, pid {pid}) failed: {ErrnoName.Describe(errno)}; ptrace is not permitted here "
               + $"(yama ptrace_scope={scope}; is the process already traced (our TracerPid={tracer}), or does a seccomp filter or container "
               + "(missing CAP_SYS_PTRACE, e.g. Docker without --cap-add=SYS_PTRACE) forbid it?)";
    }

    private int Loop(int pid)
    {
        int exitStatus = -1;
        while (true)
        {
            int tid = WaitPid(-1, Interop.Libc.__WALL | Interop.Libc.__WNOTHREAD, out int status);
            if (tid < 0)
            {
                int errno = Interop.LastErrno;
                // waitpid(2) lists EINTR; per the shared policy (Interop.Eintr) it is restarted, here
                // rather than in the declaration, because this loop must also see ECHILD.
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                if (errno == Errno.ECHILD)
                {
                    return exitStatus;
                }
                throw Errors.FromErrno<TraceException>(errno, "waitpid", null);
            }
            if (!Interop.Libc.WIFSTOPPED(status))
            {
                if (tid == pid)
                {
                    exitStatus = status;
                }
                TaskExited(tid);
                continue;
            }
            OnStop(tid, status);
        }
    }

    private void OnStop(int tid, int status)
    {
        int signal = Interop.Libc.WSTOPSIG(status);
        int ptraceEvent = status >> 16; // the PTRACE_EVENT_* of an event stop sits above the stop signal (ptrace(2))
        if (signal == SyscallStopSignal)
        {
            if (_tasks.TryGetValue(tid, out TracedTask? task))
            {
                OnSyscallStop(task);
            }
            Resume(tid, 0);
            return;
        }
        switch (ptraceEvent)
        {
            case 0:
                Resume(tid, signal); // A signal for the tracee: deliver it.
                return;
            case Interop.Libc.PTRACE_EVENT_STOP when !_tasks.ContainsKey(tid):
                _parked[tid] = signal; // A new task's first stop arrived before its parent's fork/clone event.
                _live[tid] = true;
                return;
            case Interop.Libc.PTRACE_EVENT_STOP:
                ResumeFromStop(tid, signal);
                return;
            case Interop.Libc.PTRACE_EVENT_FORK or Interop.Libc.PTRACE_EVENT_VFORK or Interop.Libc.PTRACE_EVENT_CLONE:
                OnNewTask(tid, ptraceEvent);
                break;
            case Interop.Libc.PTRACE_EVENT_EXEC:
                OnExec(tid);
                break;
        }
        Resume(tid, 0);
    }

    private void OnSyscallStop(TracedTask task)
    {
        if (!TryGetSyscallInfo(task.Tid, out Interop.Libc.PtraceSyscallInfo info))
        {
            return;
        }
        if (info.Op == Interop.Libc.PTRACE_SYSCALL_INFO_ENTRY)
        {
            if (info.Arch != Syscall.AUDIT_ARCH_X86_64)
            {
                Refuse($"trace: pid {task.Tid} made a system call of another architecture (audit arch 0x{info.Arch:x}); only x86_64 programs are decoded");
                return;
            }
            task.Nr = (long)info.EntryNr;
            // Safety: EntryArgs is a fixed buffer of ArgumentCount (6) ulongs inside the local info, and
            // the index stays below ArgumentCount; task.Args has ArgumentCount elements (bounds-checked).
            unsafe
            {
                for (int i = 0; i < ArgumentCount; i++)
                {
                    task.Args[i] = info.EntryArgs[i];
                }
            }
            _decoder.OnEntry(task);
        }
        else if (info.Op == Interop.Libc.PTRACE_SYSCALL_INFO_EXIT && task.Nr >= 0)
        {
            if (info.ExitIsError == 0)
            {
                _decoder.OnExit(task, info.ExitRval);
            }
            task.Nr = -1;
        }
    }

    private void OnNewTask(int parentTid, int ptraceEvent)
    {
        int childTid = (int)EventMessage(parentTid);
        // Every task that can report an event is known (parked tasks are stopped); the fallback only keeps the child running.
        TracedTask parent = _tasks.GetValueOrDefault(parentTid) ?? new TracedTask(parentTid, new FdTable(), new AddressSpace());
        ulong flags = ptraceEvent == Interop.Libc.PTRACE_EVENT_CLONE ? (parent.Nr == Syscall.clone3 ? parent.EntryFlags : parent.Args[0]) : 0;
        FdTable fds = (flags & Syscall.CLONE_FILES) != 0 ? parent.Fds : parent.Fds.Copy();
        AddressSpace memory = (flags & Syscall.CLONE_VM) != 0 || ptraceEvent == Interop.Libc.PTRACE_EVENT_VFORK ? parent.Memory : parent.Memory.Copy();
        memory.Users++;
        _tasks[childTid] = new TracedTask(childTid, fds, memory);
        if (_names.TryGetValue(parentTid, out TraceTask? process))
        {
            _names[childTid] = new TraceTask(childTid, (flags & Syscall.CLONE_THREAD) != 0 ? process.Pid : childTid, process.Name);
        }
        _live[childTid] = true;
        if (_parked.Remove(childTid, out int signal))
        {
            ResumeFromStop(childTid, signal);
        }
    }

    private void OnExec(int tid)
    {
        ulong formerTid = EventMessage(tid);
        if ((int)formerTid != tid && _tasks.Remove((int)formerTid, out TracedTask? moved))
        {
            _tasks.Remove(tid);
            moved.Tid = tid;
            _tasks[tid] = moved;
        }
        NameAfterExec(tid);
        if (!_tasks.TryGetValue(tid, out TracedTask? task))
        {
            return;
        }
        _decoder.RecordStores();
        task.Memory.Users--;
        task.Memory = new AddressSpace { Users = 1 };
        FdTable fds = task.Fds.Copy();
        foreach (int fd in fds.Entries.Where(e => e.Value.CloseOnExec).Select(e => e.Key).ToList())
        {
            fds.Entries.Remove(fd);
        }
        task.Fds = fds;
    }

    private void TaskExited(int tid)
    {
        _live.TryRemove(tid, out _);
        _parked.Remove(tid);
        if (_tasks.Remove(tid, out TracedTask? task) && --task.Memory.Users == 0 && task.Memory.Mappings.Count > 0)
        {
            // Stores made just before the process ended are still in the page cache: record them.
            _decoder.RecordStores();
            task.Memory.Mappings.Clear();
        }
    }

    /// <summary>waitpid(2): the task that changed state (or -1, errno set) and its wait status.</summary>
    private static int WaitPid(int pid, int options, out int status)
    {
        int word = 0;
        int result;
        // Safety: &word points to an int local of this frame, the one int waitpid(2) writes; no pointer outlives the call.
        unsafe
        {
            result = Interop.Libc.waitpid(pid, &word, options);
        }
        status = word;
        return result;
    }

    /// <summary>PTRACE_GET_SYSCALL_INFO of a task in a system call stop; false if the kernel gave nothing.</summary>
    private static bool TryGetSyscallInfo(int tid, out Interop.Libc.PtraceSyscallInfo info)
    {
        Interop.Libc.PtraceSyscallInfo local = default;
        long copiedBytes;
        // Safety: &local points to a local of this frame, and the size passed is that struct's, the most
        // the kernel copies (it copies less for an older layout); no pointer outlives the call.
        unsafe
        {
            copiedBytes = Interop.Libc.ptrace(Interop.Libc.PTRACE_GET_SYSCALL_INFO, tid, sizeof(Interop.Libc.PtraceSyscallInfo), (nint)(&local));
        }
        info = local;
        return copiedBytes > 0;
    }

    /// <summary>PTRACE_GETEVENTMSG: the new task's tid after a fork/clone event, the former tid after an exec event; 0 if the call failed.</summary>
    private static ulong EventMessage(int tid)
    {
        ulong message = 0;
        // Safety: &message points to a ulong local of this frame, the one unsigned long the kernel writes; no pointer outlives the call.
        unsafe
        {
            Interop.Libc.ptrace(Interop.Libc.PTRACE_GETEVENTMSG, tid, 0, (nint)(&message));
        }
        return message;
    }

    private void Resume(int tid, int signal)
    {
        // ESRCH: the task was killed while stopped (SIGKILL, or its thread group exec'ed); its exit is reported later.
        Interop.Libc.ptrace(Interop.Libc.PTRACE_SYSCALL, tid, 0, signal);
    }

    /// <summary>
    /// Ends a PTRACE_EVENT_STOP. With SIGTRAP it is a new task's first stop: run it. With a stop
    /// signal it is a group-stop (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: the process was stopped):
    /// PTRACE_LISTEN leaves it stopped, so its parent's waitpid(WUNTRACED) sees it stopped, until a
    /// SIGCONT, which the kernel reports as another PTRACE_EVENT_STOP with SIGTRAP (ptrace(2), "Group-stop").
    /// Resuming it with PTRACE_SYSCALL instead would run a stopped process behind its parent's back.
    /// </summary>
    private static void ResumeFromStop(int tid, int signal)
    {
        // Should PTRACE_LISTEN be refused, run the task rather than leave it stopped for good.
        if (signal == Interop.Libc.SIGTRAP || Interop.Libc.ptrace(Interop.Libc.PTRACE_LISTEN, tid, 0, 0) < 0)
        {
            Interop.Libc.ptrace(Interop.Libc.PTRACE_SYSCALL, tid, 0, 0);
        }
    }

    private void KillAll(bool timedOut)
    {
        if (timedOut)
        {
            _timedOut = true;
        }
        foreach (int tid in _live.Keys)
        {
            Interop.Libc.kill(tid, Interop.Libc.SIGKILL);
        }
    }

    /// <summary>Stops the recording: kills every traced process; the loop ends when they are gone.</summary>
    private void Refuse(string message)
    {
        _refusal ??= message;
        KillAll(timedOut: false);
    }

    private void CheckOutcome(int exitStatus, string standardErrorPath)
    {
        string name = Path.GetFileName(_options.Program);
        if (_refusal is not null)
        {
            throw new TraceException(_refusal);
        }
        if (_timedOut)
        {
            throw new TraceException($"trace: '{name}' ran past the timeout of {_options.Timeout.TotalSeconds:0.#} s; it and every process it started were killed");
        }
        string? lastError = File.Exists(standardErrorPath) ? File.ReadLines(standardErrorPath).LastOrDefault(l => l.Trim().Length > 0) : null;
        string detail = lastError is null ? "" : $" (its last error line: {lastError.Trim()})";
        if (Interop.Libc.WIFSIGNALED(exitStatus))
        {
            throw new TraceException($"trace: '{name}' was killed by signal {Interop.Libc.WTERMSIG(exitStatus)}{detail}; only a run that exits with 0 is checked");
        }
        if (Interop.Libc.WIFEXITED(exitStatus) && Interop.Libc.WEXITSTATUS(exitStatus) != 0)
        {
            throw new TraceException($"trace: '{name}' exited with status {Interop.Libc.WEXITSTATUS(exitStatus)}{detail}; only a run that exits with 0 is checked");
        }
        if (!_decoder.Events.Any(e => e.Kind is not TraceEventKind.Output))
        {
            throw new TraceException($"trace: '{name}' never changed anything under {_directory} ({_decoder.SystemCallCount} system calls seen); nothing to check");
        }
    }
}
