using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using Writeback.Native;

namespace Writeback.Tracing.Ptrace;

/// <summary>
/// Starts the program stopped, so the tracer can seize it before its first instruction: a shell
/// that stops itself and then execs the program (<c>sh -c 'kill -STOP $$; exec "$0" "$@"'</c>).
/// posix_spawn(3) from the tracer thread makes the child a child of that thread, so waitpid with
/// <c>__WNOTHREAD</c> sees only the traced tree and never another thread's children.
/// </summary>
internal static class Spawner
{
    private const string StopThenExec = "kill -STOP $$; exec \"$0\" \"$@\"";

    /// <summary>Spawns the stopped shell. Standard output goes to /dev/null (it is recorded from the write calls); standard error to <paramref name="standardErrorPath"/>.</summary>
    public static int Spawn(string program, IReadOnlyList<string> arguments, string directory, string standardErrorPath)
    {
        string[] argv = ["/bin/sh", "-c", StopThenExec, program, .. arguments];
        var environment = new List<string>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{entry.Key}={entry.Value}");
        }
        var allocations = new List<nint>();
        nint fileActions = Marshal.AllocHGlobal(Interop.Libc.PosixSpawnFileActionsSize);
        try
        {
            var strings = new SpawnStrings(
                Shell: Utf8("/bin/sh", allocations), DevNull: Utf8("/dev/null", allocations), StandardError: Utf8(standardErrorPath, allocations),
                Directory: Utf8(directory, allocations), Argv: ToPointerArray(argv, allocations), Envp: ToPointerArray(environment, allocations));
            (int pid, int error) = SpawnWithActions(fileActions, strings, directory);
            if (error != 0)
            {
                throw Errors.FromErrno<TraceException>(error, "posix_spawn(/bin/sh)", null); // posix_spawn returns the error number
            }
            return pid;
        }
        finally
        {
            Marshal.FreeHGlobal(fileActions);
            foreach (nint allocation in allocations)
            {
                Marshal.FreeHGlobal(allocation);
            }
        }
    }

    /// <summary>The unmanaged strings and pointer arrays posix_spawn reads, each NUL- or NULL-terminated.</summary>
    private readonly record struct SpawnStrings(nint Shell, nint DevNull, nint StandardError, nint Directory, nint Argv, nint Envp);

    /// <summary>
    /// Sets up the file actions (stdout to /dev/null, stderr to the file, chdir) and calls
    /// posix_spawn; returns the child's pid and posix_spawn's error number (0 on success). The file
    /// actions are destroyed before returning, also when an action cannot be added.
    /// </summary>
    private static (int Pid, int Error) SpawnWithActions(nint fileActions, SpawnStrings strings, string directory)
    {
        int pid = 0, error;
        // Safety: fileActions is an unmanaged block of PosixSpawnFileActionsSize bytes (glibc's
        // posix_spawn_file_actions_t), initialised here before any use and destroyed once in the
        // finally; every path is a NUL-terminated UTF-8 string and Argv and Envp are NULL-terminated
        // arrays of such strings, all in unmanaged memory the caller frees only after this returns;
        // &pid is a local of this frame that posix_spawn writes once.
        unsafe
        {
            void* actions = (void*)fileActions;
            Interop.Libc.posix_spawn_file_actions_init(actions);
            try
            {
                Check(Interop.Libc.posix_spawn_file_actions_addopen(actions, 1, (byte*)strings.DevNull, Interop.Libc.O_WRONLY, 0), "addopen(/dev/null)");
                Check(Interop.Libc.posix_spawn_file_actions_addopen(actions, 2, (byte*)strings.StandardError,
                                                        Interop.Libc.O_WRONLY | Interop.Libc.O_CREAT | Interop.Libc.O_TRUNC, 0x180), "addopen(stderr)");
                Check(Interop.Libc.posix_spawn_file_actions_addchdir_np(actions, (byte*)strings.Directory), $"addchdir({directory})");
                error = Interop.Libc.posix_spawn(&pid, (byte*)strings.Shell, actions, null, (byte**)strings.Argv, (byte**)strings.Envp);
            }
            finally
            {
                Interop.Libc.posix_spawn_file_actions_destroy(actions);
            }
        }
        return (pid, error);
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw Errors.FromErrno<TraceException>(error, $"posix_spawn_file_actions_{what}", null);
        }
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="value"/> in unmanaged memory, freed with the other allocations.</summary>
    private static nint Utf8(string value, List<nint> allocations)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value + "\0");
        nint memory = Marshal.AllocHGlobal(bytes.Length);
        allocations.Add(memory);
        Marshal.Copy(bytes, 0, memory, bytes.Length);
        return memory;
    }

    /// <summary>A NULL-terminated array of pointers to NUL-terminated UTF-8 copies of <paramref name="values"/> (argv, envp).</summary>
    private static nint ToPointerArray(IReadOnlyList<string> values, List<nint> allocations)
    {
        nint array = Marshal.AllocHGlobal((values.Count + 1) * IntPtr.Size);
        allocations.Add(array);
        for (int i = 0; i < values.Count; i++)
        {
            Marshal.WriteIntPtr(array, i * IntPtr.Size, Utf8(values[i], allocations));
        }
        Marshal.WriteIntPtr(array, values.Count * IntPtr.Size, 0);
        return array;
    }
}
