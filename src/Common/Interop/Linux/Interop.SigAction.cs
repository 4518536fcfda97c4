using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <signal.h>.
        internal const int SA_NOCLDSTOP = 1;

        /// <summary>
        /// sigaction(2), glibc's wrapper (it supplies the restorer). Its man page does not list
        /// EINTR: not restarted (<see cref="Eintr"/>).
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "sigaction", SetLastError = true)]
        internal static unsafe partial int sigaction(int signum, SigActionStruct* act, SigActionStruct* oldact);

        /// <summary>glibc's struct sigaction on x86_64: handler, 1024-bit mask, flags, restorer.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 152)]
        internal struct SigActionStruct
        {
            [FieldOffset(0)] public nint Handler;
            [FieldOffset(136)] public int Flags;
            [FieldOffset(144)] public nint Restorer;
        }
    }
}
