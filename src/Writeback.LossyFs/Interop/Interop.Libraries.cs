using System.Runtime.InteropServices;

namespace Writeback.LossyFs;

internal static partial class Interop
{
    /// <summary>Native library names.</summary>
    internal static class Libraries
    {
        internal const string Libc = "libc";
    }

    /// <summary>The errno of the last failed P/Invoke on this thread.</summary>
    internal static int LastErrno => Marshal.GetLastPInvokeError();
}
