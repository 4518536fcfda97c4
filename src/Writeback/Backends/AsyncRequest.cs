using System.Runtime.InteropServices;

namespace Writeback.Backends;

/// <summary>
/// One request to the process's durability engine: an operation on a page-aligned range of an open
/// file. A value type, copied into the engine's fixed slot table, so submitting allocates nothing.
/// </summary>
/// <param name="Operation">What to do.</param>
/// <param name="Target">Who is told the result.</param>
/// <param name="File">The open file; the engine holds a reference on it until the request completes.</param>
/// <param name="Address">Where the range is mapped (for engines that sync through the mapping).</param>
/// <param name="OffsetBytes">The range's start in the file.</param>
/// <param name="LengthBytes">The range's length; at most the engine's <see cref="DurabilityEngine.MaxRequestBytes"/>.</param>
/// <param name="Tag">The target's own number for the request (a group's run index).</param>
internal readonly record struct AsyncRequest(AsyncOperation Operation, IAsyncCompletion Target, SafeHandle File, nint Address,
                                             long OffsetBytes, long LengthBytes, int Tag);
