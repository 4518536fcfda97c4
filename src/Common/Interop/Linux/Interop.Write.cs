using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>write(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint write(SafeHandle fd, void* buf, nuint count);

        /// <summary>Adds 1 to an eventfd(2) counter, restarted on EINTR (<see cref="Eintr"/>); returns 0 or the errno.</summary>
        internal static int SignalEventFd(SafeFileDescriptorHandle eventFd) =>
            Eintr.Restart(eventFd, static fd =>
            {
                ulong one = 1;
                // Safety: the 8-byte counter value is a local of this frame for the duration of the call.
                unsafe
                {
                    return write(fd, &one, sizeof(ulong));
                }
            });
    }
}
