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
internal sealed unsafe class ChildStopSignals : IDisposable
{
    private readonly bool _changed;

    private ChildStopSignals(bool changed) => _changed = changed;

    public static ChildStopSignals Suppress()
    {
        Interop.Libc.SigActionStruct action;
        if (Interop.Libc.sigaction(Interop.Libc.SIGCHLD, null, &action) != 0 || (action.Flags & Interop.Libc.SA_NOCLDSTOP) != 0)
        {
            return new ChildStopSignals(false);
        }
        action.Flags |= Interop.Libc.SA_NOCLDSTOP;
        return new ChildStopSignals(Interop.Libc.sigaction(Interop.Libc.SIGCHLD, &action, null) == 0);
    }

    public void Dispose()
    {
        Interop.Libc.SigActionStruct action;
        if (_changed && Interop.Libc.sigaction(Interop.Libc.SIGCHLD, null, &action) == 0)
        {
            action.Flags &= ~Interop.Libc.SA_NOCLDSTOP;
            if (Interop.Libc.sigaction(Interop.Libc.SIGCHLD, &action, null) != 0)
            {
                throw Errors.FromErrno<TraceException>(Interop.LastErrno, "sigaction(SIGCHLD, restore)", null);
            }
        }
    }
}
