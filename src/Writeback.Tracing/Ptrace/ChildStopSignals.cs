using System.Runtime.InteropServices;
using Writeback.Native;

namespace Writeback.Tracing.Ptrace;

/// <summary>
/// While recording, sets <c>SA_NOCLDSTOP</c> on this process's SIGCHLD action. Every ptrace stop
/// of a tracee sends SIGCHLD to the tracer unless that flag is set (signal(7); the kernel's
/// do_notify_parent_cldstop); once .NET's Process class has installed its SIGCHLD handler, each of
/// those signals wakes the runtime's signal thread, which costs as much as the stop itself.
/// Child exits are still signalled, which is all the runtime's handler waits for.
/// </summary>
internal sealed class ChildStopSignals : IDisposable
{
    private readonly bool _changed;

    private ChildStopSignals(bool changed) => _changed = changed;

    public static ChildStopSignals Suppress()
    {
        if (GetChildAction(out Interop.Libc.SigActionStruct action) != 0 || (action.Flags & Interop.Libc.SA_NOCLDSTOP) != 0)
        {
            return new ChildStopSignals(false);
        }
        action.Flags |= Interop.Libc.SA_NOCLDSTOP;
        return new ChildStopSignals(SetChildAction(action) == 0);
    }

    public void Dispose()
    {
        if (_changed && GetChildAction(out Interop.Libc.SigActionStruct action) == 0)
        {
            action.Flags &= ~Interop.Libc.SA_NOCLDSTOP;
            if (SetChildAction(action) != 0)
            {
                throw Errors.FromErrno<TraceException>(Interop.LastErrno, "sigaction(SIGCHLD, restore)", null);
            }
        }
    }

    /// <summary>sigaction(SIGCHLD, NULL, &amp;action): the current action; 0, or -1 with errno set.</summary>
    private static int GetChildAction(out Interop.Libc.SigActionStruct action)
    {
        Interop.Libc.SigActionStruct current;
        int result;
        // Safety: &current points to a local of this frame of the struct sigaction layout the kernel
        // writes; the new-action pointer is NULL, so nothing is read, and no pointer outlives the call.
        unsafe
        {
            result = Interop.Libc.sigaction(Interop.Libc.SIGCHLD, null, &current);
        }
        action = current;
        return result;
    }

    /// <summary>sigaction(SIGCHLD, &amp;action, NULL); 0, or -1 with errno set.</summary>
    private static int SetChildAction(Interop.Libc.SigActionStruct action)
    {
        // Safety: &action points to this frame's copy of a struct sigaction read from the kernel, which
        // sigaction(2) only reads; the old-action pointer is NULL, and no pointer outlives the call.
        unsafe
        {
            return Interop.Libc.sigaction(Interop.Libc.SIGCHLD, &action, null);
        }
    }
}
