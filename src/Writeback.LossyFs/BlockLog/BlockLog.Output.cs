using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs.BlockLog;

public sealed partial class BlockLog
{
    private readonly byte[] _outputBuffer = new byte[65536];
    private readonly MemoryStream _output = new();
    private SafePipeHandle? _outputPipe;

    /// <summary>
    /// Takes the program's standard output pipe (made non-blocking): whatever it holds is logged
    /// before each write, zeroed range and flush, under the log's lock, so everything the program
    /// printed before a block request was issued is logged before that request, however late a
    /// reader thread would have read it.
    /// </summary>
    internal void AttachOutput(SafePipeHandle pipe)
    {
        int fd = (int)pipe.DangerousGetHandle();
        int flags = Interop.Libc.fcntl(fd, Interop.Libc.F_GETFL, 0);
        if (flags < 0 || Interop.Libc.fcntl(fd, Interop.Libc.F_SETFL, flags | Interop.Libc.O_NONBLOCK) < 0)
        {
            throw new IOException($"fcntl(F_SETFL, O_NONBLOCK) of the program's output pipe failed: {ErrnoName.Describe(Interop.LastErrno)}");
        }
        lock (_lock)
        {
            _outputPipe = pipe;
        }
    }

    /// <summary>Logs what the output pipe holds now; false once it reached end of file (or none is attached).</summary>
    internal bool DrainOutput()
    {
        lock (_lock)
        {
            return DrainOutputLocked();
        }
    }

    /// <summary>Stops reading the output pipe (before it is closed) and returns every byte logged from it.</summary>
    internal byte[] DetachOutput()
    {
        lock (_lock)
        {
            DrainOutputLocked();
            _outputPipe = null;
            return _output.ToArray();
        }
    }

    private bool DrainOutputLocked()
    {
        while (_outputPipe is not null)
        {
            nint count;
            // Safety: the buffer is pinned by fixed for the call and its length is passed.
            unsafe
            {
                fixed (byte* pointer = _outputBuffer)
                {
                    count = Interop.Libc.read(_outputPipe, pointer, (nuint)_outputBuffer.Length);
                }
            }
            if (count > 0)
            {
                Append(BlockLogEntryKind.Output, 0, _outputBuffer.AsSpan(0, (int)count));
                _output.Write(_outputBuffer, 0, (int)count);
                continue;
            }
            int errno = count < 0 ? Interop.LastErrno : 0;
            if (errno == Errno.EINTR)
            {
                continue;
            }
            return errno == Errno.EAGAIN;
        }
        return false;
    }
}
