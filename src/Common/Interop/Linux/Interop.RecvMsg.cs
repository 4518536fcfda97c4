using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int SOL_SOCKET = 1;
        internal const int SCM_RIGHTS = 1;

        /// <summary>
        /// recvmsg(2); used to receive the /dev/fuse descriptor (SCM_RIGHTS) from fusermount3. The
        /// socket stays an int: it is one end of a socketpair(2) that its caller closes itself
        /// within the same method, before any other thread could see the number.
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "recvmsg", SetLastError = true)]
        internal static unsafe partial nint recvmsg(int socket, MsgHdr* message, int flags);

        /// <summary>
        /// recvmsg(2), restarted on EINTR (<see cref="Eintr"/>). Returns the byte count, or -1
        /// with the errno left in <see cref="LastErrno"/>.
        /// </summary>
        // Safety: the caller's message header and the buffers it points to outlive the call.
        internal static unsafe nint RecvMsg(int socket, MsgHdr* message, int flags) =>
            (nint)Eintr.RestartResult((socket, message: (nint)message, flags), static s => recvmsg(s.socket, (MsgHdr*)s.message, s.flags));
    }
}
