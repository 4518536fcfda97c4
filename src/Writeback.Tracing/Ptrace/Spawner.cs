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
internal static unsafe class Spawner
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
        void* fileActions = (void*)Marshal.AllocHGlobal(Interop.Libc.PosixSpawnFileActionsSize);
        try
        {
            nint argvPointers = ToPointerArray(argv, allocations);
            nint envPointers = ToPointerArray(environment, allocations);
            Interop.Libc.posix_spawn_file_actions_init(fileActions);
            Check(Interop.Libc.posix_spawn_file_actions_addopen(fileActions, 1, Utf8("/dev/null", allocations), Interop.Libc.O_WRONLY, 0), "addopen(/dev/null)");
            Check(Interop.Libc.posix_spawn_file_actions_addopen(fileActions, 2, Utf8(standardErrorPath, allocations),
                                                    Interop.Libc.O_WRONLY | Interop.Libc.O_CREAT | Interop.Libc.O_TRUNC, 0x180), "addopen(stderr)");
            Check(Interop.Libc.posix_spawn_file_actions_addchdir_np(fileActions, Utf8(directory, allocations)), $"addchdir({directory})");
            int pid;
            int error = Interop.Libc.posix_spawn(&pid, Utf8("/bin/sh", allocations), fileActions, null, (byte**)argvPointers, (byte**)envPointers);
            if (error != 0)
            {
                throw Errors.FromErrno<TraceException>(error, "posix_spawn(/bin/sh)", null); // posix_spawn returns the error number
            }
            return pid;
        }
        finally
        {
            Interop.Libc.posix_spawn_file_actions_destroy(fileActions);
            Marshal.FreeHGlobal((nint)fileActions);
            foreach (nint allocation in allocations)
            {
                Marshal.FreeHGlobal(allocation);
            }
        }
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw Errors.FromErrno<TraceException>(error, $"posix_spawn_file_actions_{what}", null);
        }
    }

    private static byte* Utf8(string value, List<nint> allocations)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value + "\0");
        nint memory = Marshal.AllocHGlobal(bytes.Length);
        allocations.Add(memory);
        Marshal.Copy(bytes, 0, memory, bytes.Length);
        return (byte*)memory;
    }

    private static nint ToPointerArray(IReadOnlyList<string> values, List<nint> allocations)
    {
        nint array = Marshal.AllocHGlobal((values.Count + 1) * sizeof(nint));
        allocations.Add(array);
        for (int i = 0; i < values.Count; i++)
        {
            ((nint*)array)[i] = (nint)Utf8(values[i], allocations);
        }
        ((nint*)array)[values.Count] = 0;
        return array;
    }
}
