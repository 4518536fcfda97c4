using System.Runtime.InteropServices;

namespace Writeback.Cli.Interop;

internal static partial class Libc
{
    /// <summary>fdatasync(2): writes the file's dirty data, and the metadata needed to read it, to stable storage.</summary>
    /// <param name="fd">An open file descriptor.</param>
    /// <returns>0, or -1 with errno set.</returns>
    [LibraryImport(LibraryName, EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int Fdatasync(int fd);
}
