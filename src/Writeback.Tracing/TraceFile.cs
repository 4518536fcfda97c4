namespace Writeback.Tracing;

/// <summary>A file in the traced directory before the program started: part of the initial durable state.</summary>
/// <param name="Path">Relative to the directory, with <c>/</c>; a directory ends without a slash and has <paramref name="IsDirectory"/> set.</param>
/// <param name="IsDirectory">True for a directory.</param>
/// <param name="Content">A regular file's bytes.</param>
public sealed record TraceFile(string Path, bool IsDirectory, ReadOnlyMemory<byte> Content);
