using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // <linux/stat.h>, <sys/stat.h>
        internal const int AT_STATX_FORCE_SYNC = 0x2000;
        internal const uint STATX_BASIC_STATS = 0x7ff;
        internal const uint S_IFMT = 0xF000;
        internal const uint S_ISGID = 0x400;
        internal const uint S_IFDIR = 0x4000;
        internal const uint S_IFREG = 0x8000;
        internal const uint S_IFLNK = 0xA000;

        /// <summary>statx(2); the one stat call used, because struct statx has the same layout on every architecture.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int statx(SafeHandle dirFd, [MarshalUsing(typeof(ByteNameMarshaller))] string path, int flags, uint mask, out StatxBuffer buffer);

        [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int statx(int dirFd, string path, int flags, uint mask, out StatxBuffer buffer);
    }
}
