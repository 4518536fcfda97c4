using System.Runtime.InteropServices;

namespace Writeback.Cli.Interop;

internal static partial class Libc
{
    /// <summary>msync(2): writes the dirty pages of [address, address + length) back to the file.</summary>
    /// <param name="address">Page-aligned start of the range in a shared file mapping.</param>
    /// <param name="length">Length in bytes.</param>
    /// <param name="flags"><see cref="MS_SYNC"/> to wait.</param>
    /// <returns>0, or -1 with errno set.</returns>
    [LibraryImport(LibraryName, EntryPoint = "msync", SetLastError = true)]
    public static unsafe partial int Msync(void* address, nuint length, int flags);
}
