using System.Runtime.InteropServices;
using Writeback.Native;

internal static partial class Interop
{
    internal static partial class IoUring
    {
        /// <summary>io_uring_register(2) through syscall(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static unsafe partial int io_uring_register(long number, SafeFileDescriptorHandle fd, uint opcode, void* arg, uint nr_args);
    }
}
