using System.Runtime.InteropServices;

namespace Writeback.Native;

/// <summary>
/// Owns an address-space reservation made by mmap(2): the PROT_NONE reservation and whatever file
/// mapping was later placed into it with MAP_FIXED. Releasing it unmaps the whole reservation.
/// </summary>
internal sealed class SafeMappingHandle : SafeHandle
{
    /// <summary>Creates an invalid handle.</summary>
    public SafeMappingHandle() : base(invalidHandleValue: 0, ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of the reservation at <paramref name="address"/>.</summary>
    public SafeMappingHandle(nint address, long reservedBytes) : this()
    {
        SetHandle(address);
        ReservedBytes = reservedBytes;
    }

    /// <summary>The size of the reservation in bytes, a multiple of the page size.</summary>
    public long ReservedBytes { get; }

    /// <summary>The start of the reservation.</summary>
    public nint Address => handle;

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        // Safety: the reservation [handle, handle + ReservedBytes) was made by mmap and is unmapped
        // once; no span over it may be used after Dispose (documented on MappedFile).
        unsafe
        {
            return Interop.Libc.munmap((void*)handle, (nuint)ReservedBytes) == 0;
        }
    }
}
