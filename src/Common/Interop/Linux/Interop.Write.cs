using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>write(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the engine's wake-up: see SignalEventFd
        internal static unsafe partial nint write(SafeHandle fd, void* buf, nuint count);

        /// <summary>Adds 1 to an eventfd(2) counter, restarted on EINTR (<see cref="Eintr"/>); returns 0 or the errno.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every StartWriteback's path, optimized from the first call (DurabilityEngine.Submit)
        internal static int SignalEventFd(SafeFileDescriptorHandle eventFd)
        {
            // The loop is written out rather than passed to Eintr.Restart: this is every
            // StartWriteback's and FlushAsync's wake-up of the engine, and the write(2) stays one
            // call away from it. EINTR is still classified by Eintr.Errno, the one policy.
            ulong one = 1;
            while (true)
            {
                nint result;
                // Safety: the 8-byte counter value is a local of this frame for the duration of the call.
                unsafe
                {
                    result = write(eventFd, &one, sizeof(ulong));
                }
                int errno = Eintr.Errno(result, out bool retry);
                if (!retry)
                {
                    return errno;
                }
            }
        }
    }
}
