using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>Names of the native libraries the library calls.</summary>
    internal static class Libraries
    {
        /// <summary>The C library. The runtime resolves "libc" to the process's libc on Linux.</summary>
        internal const string Libc = "libc";
    }

    /// <summary>
    /// The errno of the last failed P/Invoke on this thread (declared with SetLastError = true): the
    /// one way every assembly reads errno, right after the call that set it (see <see cref="Eintr"/>).
    /// </summary>
    internal static int LastErrno => Marshal.GetLastPInvokeError();
}
