using System.Runtime.InteropServices;

namespace Writeback.Native;

/// <summary>
/// Owns a file descriptor; closes it once when released. Interop declarations take this handle, not
/// the number, so the marshaller holds a reference for the duration of each call and a concurrent
/// Dispose cannot close (and the kernel reuse) the number in the middle of it.
/// </summary>
internal sealed class SafeFileDescriptorHandle : SafeHandle
{
    /// <summary>Creates an invalid handle (-1).</summary>
    public SafeFileDescriptorHandle() : base(invalidHandleValue: -1, ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public SafeFileDescriptorHandle(int fd) : this() => SetHandle(fd);

    /// <summary>
    /// Wraps <paramref name="fd"/>; closes it when released only if <paramref name="ownsHandle"/>
    /// (a descriptor another SafeHandle owns, which the caller keeps referenced meanwhile).
    /// </summary>
    public SafeFileDescriptorHandle(int fd, bool ownsHandle) : base(invalidHandleValue: -1, ownsHandle) => SetHandle(fd);

    /// <inheritdoc/>
    public override bool IsInvalid => handle == -1;

    /// <summary>
    /// An invalid descriptor (-1) that is never closed, for the calls that take "no file"
    /// (an anonymous mmap(2)).
    /// </summary>
    public static SafeFileDescriptorHandle None { get; } = new();

    /// <inheritdoc/>
    protected override bool ReleaseHandle() =>
        // close(2): "Retrying the close() after a failure return is the wrong thing to do" on Linux.
        Interop.Libc.close((int)handle) == 0;
}
