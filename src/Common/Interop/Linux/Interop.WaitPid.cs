using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <sys/wait.h>, <linux/wait.h>.
        internal const int WUNTRACED = 2;
        internal const int __WNOTHREAD = 0x20000000;
        internal const int __WALL = 0x40000000;

        /// <summary>
        /// waitpid(2). Its man page lists EINTR, and this declaration does not restart it: its one
        /// caller, the tracer's wait loop (Writeback.Tracing's Tracer.Loop), already continues on
        /// EINTR and must also see ECHILD (every tracee gone), so the restart lives there
        /// (<see cref="Eintr"/>).
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "waitpid", SetLastError = true)]
        internal static unsafe partial int waitpid(int pid, int* status, int options);

        // The <sys/wait.h> status macros.
        internal static bool WIFEXITED(int status) => (status & 0x7f) == 0;

        internal static int WEXITSTATUS(int status) => (status >> 8) & 0xff;

        internal static bool WIFSIGNALED(int status) => ((status & 0x7f) + 1) >> 1 > 0 && (status & 0x7f) != 0x7f && (status & 0x7f) != 0;

        internal static int WTERMSIG(int status) => status & 0x7f;

        internal static bool WIFSTOPPED(int status) => (status & 0xff) == 0x7f;

        internal static int WSTOPSIG(int status) => (status >> 8) & 0xff;
    }
}
