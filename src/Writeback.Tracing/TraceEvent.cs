namespace Writeback.Tracing;

/// <summary>
/// One recorded event of a traced program, in the order the recorder saw it. Paths are relative
/// to the traced directory, with <c>/</c> between components.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Pid">The thread (task id) that made the call.</param>
/// <param name="Call">The program's own call in words, e.g. <c>msync(data.bin, offset 0, 4096, MS_SYNC)</c>.</param>
/// <param name="Path">The file or directory, or empty for <see cref="TraceEventKind.Output"/> and <see cref="TraceEventKind.SyncAll"/>.</param>
/// <param name="TargetPath">The new name of a <see cref="TraceEventKind.Rename"/> or <see cref="TraceEventKind.Link"/>, the target string of a <see cref="TraceEventKind.Symlink"/>; otherwise empty.</param>
/// <param name="OffsetBytes">The file offset of a write, store, msync, sync_file_range; the new length of a SetLength.</param>
/// <param name="LengthBytes">The byte count of a range.</param>
/// <param name="Flags">Call flags (<c>MS_*</c> of msync, <c>SYNC_FILE_RANGE_*</c>), or 0.</param>
/// <param name="Data">The bytes of a write, store or output; empty otherwise.</param>
public sealed record TraceEvent(TraceEventKind Kind, int Pid, string Call, string Path, string TargetPath,
                                long OffsetBytes, long LengthBytes, int Flags, ReadOnlyMemory<byte> Data);
