using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <signal.h>, x86_64 and asm-generic numbers.
        internal const int SIGTRAP = 5;
        internal const int SIGKILL = 9;
        internal const int SIGCHLD = 17;
        internal const int SIGCONT = 18;
        internal const int SIGSTOP = 19;

        /// <summary>kill(2). Its man page does not list EINTR: not restarted (<see cref="Eintr"/>).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "kill", SetLastError = true)]
        internal static partial int kill(int pid, int sig);
    }
}
