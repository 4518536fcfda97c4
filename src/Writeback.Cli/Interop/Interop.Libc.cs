namespace Writeback.Cli.Interop;

/// <summary>
/// The few raw system calls <c>writeback bench</c> measures the library against. The CLI uses only
/// the public API of the Writeback libraries, so it makes these calls itself.
/// </summary>
internal static partial class Libc
{
    private const string LibraryName = "libc";

    /// <summary>msync(2) flag: wait for the write to complete. From &lt;sys/mman.h&gt;.</summary>
    public const int MS_SYNC = 4;

    /// <summary>sync_file_range(2) flag: wait for writeback already in flight before writing.</summary>
    public const uint SYNC_FILE_RANGE_WAIT_BEFORE = 1;

    /// <summary>sync_file_range(2) flag: start writeback of dirty pages in the range.</summary>
    public const uint SYNC_FILE_RANGE_WRITE = 2;

    /// <summary>sync_file_range(2) flag: wait for the writeback to complete.</summary>
    public const uint SYNC_FILE_RANGE_WAIT_AFTER = 4;

    /// <summary>errno EINTR: the call was interrupted by a signal.</summary>
    public const int EINTR = 4;
}
