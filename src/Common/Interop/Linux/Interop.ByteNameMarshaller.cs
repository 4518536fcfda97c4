using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

internal static partial class Interop
{
    /// <summary>
    /// Marshals a directory-entry name held as a byte string (one char per byte, 0-255, as
    /// <c>LossyTree.DecodeName</c> makes it) back to exactly those bytes, NUL-terminated. Linux names
    /// are bytes, not UTF-8: "a\xff" and "a\xfe" are two names, and both must reach the backing
    /// directory unchanged. Names up to NAME_MAX fit the stack buffer; longer ones are allocated.
    /// </summary>
    [CustomMarshaller(typeof(string), MarshalMode.ManagedToUnmanagedIn, typeof(ManagedToUnmanagedIn))]
    internal static class ByteNameMarshaller
    {
        /// <summary>The caller-allocated conversion.</summary>
        public ref struct ManagedToUnmanagedIn
        {
            private unsafe byte* _native;
            private bool _allocated;

            /// <summary>Stack buffer size: NAME_MAX plus the terminator.</summary>
            public static int BufferSize => 256;

            /// <summary>Copies the name's bytes into <paramref name="buffer"/> (or a native allocation when it is too small).</summary>
            // Safety: the buffer is the stub's (alive for the call) or a native allocation of the name's
            // length plus one, freed by Free; every write is inside it.
            public unsafe void FromManaged(string? managed, Span<byte> buffer)
            {
                if (managed is null)
                {
                    _native = null;
                    return;
                }
                int lengthBytes = managed.Length + 1;
                if (lengthBytes > buffer.Length)
                {
                    _native = (byte*)NativeMemory.Alloc((nuint)lengthBytes);
                    _allocated = true;
                    buffer = new Span<byte>(_native, lengthBytes);
                }
                else
                {
                    // Safety: the generated stub passes a stack buffer that lives for the whole call.
                    _native = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer));
                }
                for (int index = 0; index < managed.Length; index++)
                {
                    buffer[index] = (byte)managed[index];
                }
                buffer[managed.Length] = 0;
            }

            /// <summary>The NUL-terminated bytes.</summary>
            // Safety: the pointer FromManaged set, valid until Free.
            public readonly unsafe byte* ToUnmanaged() => _native;

            /// <summary>Frees a native allocation, if one was made.</summary>
            // Safety: frees only what FromManaged allocated, once.
            public readonly unsafe void Free()
            {
                if (_allocated)
                {
                    NativeMemory.Free(_native);
                }
            }
        }
    }
}
