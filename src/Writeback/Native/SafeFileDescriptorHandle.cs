using System.Runtime.InteropServices;

namespace Writeback.Native;

/// <summary>Owns a file descriptor; closes it once when released.</summary>
internal sealed class SafeFileDescriptorHandle : SafeHandle
{
    /// <summary>Creates an invalid handle (-1).</summary>
    public SafeFileDescriptorHandle() : base(invalidHandleValue: -1, ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public SafeFileDescriptorHandle(int fd) : this() => SetHandle(fd);

    /// <inheritdoc/>
    public override bool IsInvalid => handle == -1;

    /// <summary>The descriptor number. Valid until the handle is disposed.</summary>
    public int Fd => (int)handle;

    /// <inheritdoc/>
    protected override bool ReleaseHandle() =>
        // close(2): "Retrying the close() after a failure return is the wrong thing to do" on Linux.
        Interop.Libc.close((int)handle) == 0;
}
