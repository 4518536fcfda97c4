using System.Runtime.InteropServices;

namespace Writeback.Cli.Interop;

internal static partial class Libc
{
    /// <summary>open(2) flag: write only. From &lt;fcntl.h&gt;.</summary>
    public const int O_WRONLY = 0x1;

    /// <summary>open(2) flag: create the file if it does not exist.</summary>
    public const int O_CREAT = 0x40;

    /// <summary>open(2) flag: with O_CREAT, fail with EEXIST if the file exists.</summary>
    public const int O_EXCL = 0x80;

    /// <summary>open(2) flag: close the descriptor on exec.</summary>
    public const int O_CLOEXEC = 0x80000;

    /// <summary>open(2): opens or creates a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="flags"><c>O_*</c> flags.</param>
    /// <param name="mode">Permission bits of a created file.</param>
    /// <returns>A file descriptor, or -1 with errno set.</returns>
    [LibraryImport(LibraryName, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);
}
