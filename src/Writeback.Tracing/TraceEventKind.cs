namespace Writeback.Tracing;

/// <summary>What a <see cref="TraceEvent"/> records. The numbers are the trace file's codes: never renumber.</summary>
public enum TraceEventKind
{
    /// <summary>A file under the directory was created (open/openat/creat with <c>O_CREAT</c>, or <c>mknod</c>).</summary>
    Create = 1,

    /// <summary>A file's length was set (<c>ftruncate</c>, <c>truncate</c>, <c>O_TRUNC</c>, <c>fallocate</c> that extends).</summary>
    SetLength = 2,

    /// <summary>Bytes written by <c>write</c>, <c>pwrite64</c>, <c>writev</c>, <c>pwritev</c> (and zeros for a punched hole).</summary>
    Write = 3,

    /// <summary>A page of a writable shared mapping changed since the previous recorded call: a store.</summary>
    Store = 4,

    /// <summary><c>msync</c> of a file range (translated from the mapping's addresses); <see cref="TraceEvent.Flags"/> holds the <c>MS_*</c> flags.</summary>
    Msync = 5,

    /// <summary><c>fsync</c> of a file: all data and metadata.</summary>
    Fsync = 6,

    /// <summary><c>fdatasync</c> of a file: all data and the metadata needed to read it.</summary>
    Fdatasync = 7,

    /// <summary>A write on a file opened with <c>O_SYNC</c> or <c>O_DSYNC</c> (or <c>pwritev2</c> with <c>RWF_SYNC</c>/<c>RWF_DSYNC</c>) returned; <see cref="TraceEvent.Flags"/> holds <c>O_SYNC</c> or <c>O_DSYNC</c> (0 in older recordings: O_DSYNC).</summary>
    SyncWrite = 8,

    /// <summary><c>sync_file_range</c>: starts or waits for writeback; guarantees nothing after a crash.</summary>
    SyncFileRange = 9,

    /// <summary><c>fsync</c>/<c>fdatasync</c> of a directory: its names become durable.</summary>
    FsyncDirectory = 10,

    /// <summary><c>rename</c>, <c>renameat</c>, <c>renameat2</c>.</summary>
    Rename = 11,

    /// <summary><c>unlink</c>, <c>unlinkat</c>.</summary>
    Unlink = 12,

    /// <summary><c>mkdir</c>, <c>mkdirat</c>.</summary>
    Mkdir = 13,

    /// <summary><c>rmdir</c>, <c>unlinkat(AT_REMOVEDIR)</c>.</summary>
    Rmdir = 14,

    /// <summary><c>sync</c> or <c>syncfs</c>: everything durable.</summary>
    SyncAll = 15,

    /// <summary>Bytes the program wrote to its standard output: its acknowledgements.</summary>
    Output = 16,

    /// <summary><c>link</c>, <c>linkat</c>: a second name (<see cref="TraceEvent.TargetPath"/>) for the file at <see cref="TraceEvent.Path"/>.</summary>
    Link = 17,

    /// <summary>
    /// <c>symlink</c>, <c>symlinkat</c>: a symbolic link named <see cref="TraceEvent.Path"/> whose target string is
    /// <see cref="TraceEvent.TargetPath"/> (verbatim, as the program passed it). The target is part of the name
    /// entry: durable with the name, after an fsync of its directory.
    /// </summary>
    Symlink = 18,
}
