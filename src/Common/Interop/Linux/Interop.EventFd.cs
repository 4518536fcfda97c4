using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int EFD_CLOEXEC = 0x80000; // 02000000

        /// <summary>eventfd(2): a counter other threads can add to, to wake a reader.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "eventfd", SetLastError = true)]
        internal static partial int eventfd(uint initval, int flags);

        /// <summary>eventfd(2); returns 0 and the descriptor, or the errno and an invalid handle.</summary>
        internal static int EventFd(uint initialValue, int flags, out SafeFileDescriptorHandle fd)
        {
            int result = eventfd(initialValue, flags);
            int errno = Eintr.NoRetry(result);
            fd = new SafeFileDescriptorHandle(errno == 0 ? result : -1);
            return errno;
        }
    }
}
